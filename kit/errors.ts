import { GraphQLError } from "graphql";

/**
 * The few errors a client can meet, each with a stable `extensions.code`.
 * Anything else is masked by the server's error formatter: a client never
 * sees a stack trace or SQL text.
 */
export class NotFoundError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: "NOT_FOUND" } });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message = "not allowed") {
    super(message, { extensions: { code: "FORBIDDEN" } });
  }
}

export class UnauthenticatedError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: "UNAUTHENTICATED" } });
  }
}

export class BadUserInputError extends GraphQLError {
  constructor(message: string, field?: string) {
    super(message, { extensions: { code: "BAD_USER_INPUT", ...(field ? { field } : {}) } });
  }
}

export class ConflictError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: "CONFLICT" } });
  }
}

export class UnavailableError extends GraphQLError {
  constructor(message: string, unit?: string) {
    super(message, { extensions: { code: "UNAVAILABLE", ...(unit ? { unit } : {}) } });
  }
}

/**
 * A row in a silo that the subgraph cannot map to the graph's language
 * (a money column holding "12,5x", an unknown status letter). The silo is
 * not ours to fix, so the field fails loudly and names the row; the rest of
 * the response is unaffected.
 */
export class SiloDataError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: "SILO_DATA_INVALID" } });
  }
}

/** The customer may not have this offer now; `reasons` says why. */
export class NotEligibleError extends GraphQLError {
  constructor(message: string, reasons: string[]) {
    super(message, { extensions: { code: "OFFER_NOT_ELIGIBLE", reasons } });
  }
}

/** Codes that are safe to show a client as they are. */
export const PUBLIC_CODES = new Set([
  "NOT_FOUND",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "CONFLICT",
  "OFFER_NOT_ELIGIBLE",
  "RATE_LIMITED",
  "PERSISTED_QUERY_NOT_ALLOWED",
  "TIMEOUT",
  "UNAVAILABLE",
  "UNAUTHENTICATED",
  "SILO_DATA_INVALID",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "MAX_DEPTH_EXCEEDED",
  "MAX_ALIASES_EXCEEDED",
  "MAX_DIRECTIVES_EXCEEDED",
  "MAX_COST_EXCEEDED",
  "MAX_TOKENS_EXCEEDED",
  "CIRCUIT_OPEN",
  "UNIT_REFUSED",
]);

/** Validate a page-size argument (`first`) against the field's bound. */
export function checkFirst(first: number, max: number, argument = "first"): number {
  if (!Number.isInteger(first) || first < 1 || first > max) throw new BadUserInputError(`${argument} must be between 1 and ${max}, got ${first}`, argument);
  return first;
}
