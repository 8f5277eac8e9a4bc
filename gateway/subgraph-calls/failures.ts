import { GraphQLError } from "graphql";

/**
 * Why a call to a unit failed, as the wrappers that react to it need to
 * know (retry.ts: may it be sent again? breaker.ts: does it say the unit is
 * unwell?), and as the client reads it: a stable code, the unit named, never
 * its address.
 */
export type FailureKind = "timeout" | "connection" | "status" | "response" | "refused" | "circuit-open";

export class CallFailure extends GraphQLError {
  constructor(
    unit: string,
    message: string,
    code: string,
    readonly kind: FailureKind,
    /** Safe to send again, if the operation is a query: nothing says the unit saw it, or it said "try again". */
    readonly transient: boolean,
    /** Counts against the unit's breaker: the unit did not answer properly. */
    readonly unhealthy: boolean,
  ) {
    super(message, { extensions: { code, unit } });
  }
}

/** Answers that say "try again": a proxy or the unit itself is momentarily unable to serve. */
const RETRY_STATUSES = new Set([502, 503, 504]);

/** No answer within the unit's timeout, or before the request's deadline. */
export function timedOut(unit: string, budgetMs: number, byDeadline: boolean): CallFailure {
  const message = byDeadline ? `the ${unit} unit did not answer before the request's deadline` : `the ${unit} unit did not answer within ${budgetMs} ms`;
  return new CallFailure(unit, message, "TIMEOUT", "timeout", false, true);
}

/** Refused, reset or dropped connections: the request may never have reached the unit. */
export function connectionFailed(unit: string): CallFailure {
  return new CallFailure(unit, `the ${unit} unit is unavailable`, "UNAVAILABLE", "connection", true, true);
}

/** A 2xx whose body is not a GraphQL response. */
export function unreadable(unit: string): CallFailure {
  return new CallFailure(unit, `the ${unit} unit is unavailable (its answer is not a GraphQL response)`, "UNAVAILABLE", "response", false, true);
}

/** A data source of the user's (through-data-source.ts) failed in a way that names no cause the gateway can judge. */
export function sourceFailed(unit: string): CallFailure {
  return new CallFailure(unit, `the ${unit} unit is unavailable (its data source failed)`, "UNAVAILABLE", "response", false, true);
}

/**
 * A non-2xx answer. A 5xx is the unit failing (`UNAVAILABLE`; 502/503/504
 * may be retried). A 4xx is the unit refusing what the gateway sent: the
 * unit is up and sending it again changes nothing, so it is `UNIT_REFUSED`,
 * is not retried and does not count against the breaker.
 */
export function badStatus(unit: string, status: number): CallFailure {
  if (status >= 400 && status < 500) return new CallFailure(unit, `the ${unit} unit refused the gateway's request: ${refusalOf(status)} (HTTP ${status})`, "UNIT_REFUSED", "refused", false, false);
  return new CallFailure(unit, `the ${unit} unit is unavailable (HTTP ${status})`, "UNAVAILABLE", "status", RETRY_STATUSES.has(status), status >= 500);
}

function refusalOf(status: number): string {
  switch (status) {
    case 400:
    case 422:
      return "it finds the request invalid, so the unit and the served supergraph may disagree";
    case 401:
    case 403:
      return "it does not accept the gateway's signature";
    case 404:
    case 405:
      return "it serves no GraphQL at the address the gateway calls";
    case 413:
      return "the request is larger than it accepts";
    case 429:
      return "it is limiting the gateway's requests";
    default:
      return "it will not answer this request";
  }
}

/** The breaker fails the call fast: the unit failed repeatedly and is given time to recover. */
export function circuitOpen(unit: string): CallFailure {
  return new CallFailure(unit, `the ${unit} unit is not being called: it failed repeatedly and its circuit breaker is open (calls fail fast until a probe succeeds)`, "CIRCUIT_OPEN", "circuit-open", false, false);
}
