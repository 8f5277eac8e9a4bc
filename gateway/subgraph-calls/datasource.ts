import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { GraphQLError, getOperationAST, parse } from "graphql";
import { IDENTITY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, encodeIdentity, signature } from "../../kit/identity";
import type { CircuitBreaker } from "./breaker";
import { type Ask, type Outgoing, type SharingOptions, UnitCalls, bodyOf } from "./calls";
import type { GatewayContext } from "../context";
import { PROVENANCE_HEADER, provenanceOf } from "../execution/provenance";
import type { RawAnswer, Transport } from "./transport";

/**
 * Headers a client sets that every subgraph should see. The bearer token
 * rides along (inside the signed request) so a unit can read the graph on
 * the caller's behalf, with the caller's rights, when checking a write.
 */
const FORWARDED = ["x-channel", "authorization"] as const;

/** Answers that say "try again": a proxy or the unit itself is momentarily unable to serve. */
const RETRY_STATUSES = new Set([502, 503, 504]);

export interface CallPolicy {
  /** Longest one fetch may take. */
  timeoutMs: number;
  /** Retries of a failed query; mutations are never retried. */
  retries: number;
  retryBaseMs: number;
}

/** Why one attempt failed, and what that says about the unit. */
interface Failure {
  kind: "timeout" | "connection" | "status" | "response";
  status?: number;
  /** Safe to send again (if the operation is a query). */
  transient: boolean;
  /** Counts against the unit's breaker: the unit did not answer properly. */
  unhealthy: boolean;
}

/**
 * How the gateway talks to one subgraph: signs each request for the unit
 * (kit/identity.ts) and forwards the request id and the channel; bounds each
 * call by the unit's timeout and by what is left of the request's deadline;
 * retries queries (never mutations) on connection errors and 502/503/504
 * with jittered backoff; fails fast while the unit's breaker is open; turns
 * a failed call into an error that names the unit and says nothing of its
 * address; and shares query fetches with others where calls.ts allows.
 */
export class UnitDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly calls: UnitCalls;
  /** Operation kind by fetch document text: a plan's fetches are few and reused. */
  private readonly kinds = new Map<string, string | undefined>();

  constructor(
    readonly unit: string,
    readonly url: string,
    private readonly policy: CallPolicy,
    private readonly breaker: CircuitBreaker,
    private readonly transport: Transport,
    private readonly signingSecret: string,
    sharing: SharingOptions = { batch: true, dedupe: true },
  ) {
    this.calls = new UnitCalls(
      sharing,
      (outgoing) => this.exchange(outgoing, true),
      (answer) => this.read(answer),
      (context, response) => this.recordProvenance(context, response),
    );
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { query, variables = {}, operationName } = options.request;
    if (!query) throw new Error("a subgraph fetch without a query");
    const context = "incomingRequestContext" in options ? options.context : null;
    const trace = this.traceHeaders();
    const isQuery = this.kindOf(query, operationName, "document" in options ? options.document : undefined) === "query";
    if (context && isQuery) {
      const ask: Ask = { context, query, operationName, variables, trace };
      const response = await this.withinDeadline(this.calls.submit(ask), context.deadline);
      if (!ask.led) this.servedWithOthers();
      return response;
    }
    // Alone: mutations (never retried, never shared) and the gateway's own calls.
    const body = bodyOf({ query, variables, operationName });
    const response = this.read(await this.exchange({ body, context, trace, deadline: context?.deadline ?? Infinity }, isQuery));
    if (context) this.recordProvenance(context, response);
    return response;
  }

  /** What the unit said about its reads, kept for the response's extensions.provenance. */
  private recordProvenance(context: GatewayContext, response: GatewayGraphQLResponse): void {
    const provenance = provenanceOf(response.extensions);
    if (provenance) context.provenance.push(provenance);
  }

  /**
   * A shared call lasts as long as the latest request it serves allows, and
   * an identical one in flight may be joined: each fetch still fails at its
   * own request's deadline, as it would have alone.
   */
  private withinDeadline(answer: Promise<GatewayGraphQLResponse>, deadline: number): Promise<GatewayGraphQLResponse> {
    const left = Math.max(0, deadline - Date.now());
    // Past what a timer can hold (it would fire at once): no deadline to keep.
    if (!(left <= MAX_TIMER_MS)) return answer;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(this.timeout(0, true)), left);
      answer.then(
        (response) => {
          clearTimeout(timer);
          resolve(response);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  /** A fetch answered by a request another fetch led (its trace shows no subgraph span of its own); telemetry.ts marks it. */
  protected servedWithOthers(): void {}

  /** Trace context for the unit (telemetry.ts fills it in when tracing is on). */
  protected traceHeaders(): Record<string, string> {
    return {};
  }

  /** One exchange: attempts within the deadline, retries when allowed, the breaker's verdicts. */
  private async exchange(outgoing: Outgoing, retryable: boolean): Promise<RawAnswer> {
    let last: Failure | undefined;
    for (let attempt = 0; ; attempt += 1) {
      const left = outgoing.deadline - Date.now();
      if (left <= 0) throw last ? this.error(last) : this.timeout(0, true);
      // An open breaker fails fast; during a retry, the real failure is the better answer.
      if (!this.breaker.tryAcquire()) throw last ? this.error(last) : this.open();
      const budget = Math.min(this.policy.timeoutMs, left);
      const outcome = await this.attempt(outgoing, budget);
      if ("answer" in outcome) {
        this.breaker.success();
        return outcome.answer;
      }
      last = outcome.failure;
      if (last.unhealthy) this.breaker.failure();
      else this.breaker.success();
      if (last.kind === "timeout") throw this.timeout(budget, budget < this.policy.timeoutMs);

      const delay = backoffMs(attempt, this.policy.retryBaseMs);
      const remaining = outgoing.deadline - Date.now();
      if (!last.transient || attempt >= this.policy.retries || delay >= remaining || !retryable) throw this.error(last);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private async attempt(outgoing: Outgoing, budgetMs: number): Promise<{ answer: RawAnswer } | { failure: Failure }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), budgetMs);
    try {
      const answer = await this.transport.post(this.url, this.headersFor(outgoing), outgoing.body, controller.signal);
      if (answer.status < 200 || answer.status > 299) return { failure: { kind: "status", status: answer.status, transient: RETRY_STATUSES.has(answer.status), unhealthy: answer.status >= 500 } };
      if (!JSON_TYPES.test(answer.contentType)) return { failure: { kind: "response", transient: false, unhealthy: true } };
      return { answer };
    } catch {
      // Refused, reset or dropped connections, or our own timeout's abort.
      return { failure: controller.signal.aborted ? { kind: "timeout", transient: false, unhealthy: true } : { kind: "connection", transient: true, unhealthy: true } };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Every attempt is signed afresh over the exact body on the wire. */
  private headersFor({ context, trace, body }: Outgoing): Record<string, string> {
    const identity = encodeIdentity(context?.identity ?? null);
    const timestamp = String(Date.now());
    const headers: Record<string, string> = {
      ...trace,
      "content-type": "application/json",
      [IDENTITY_HEADER]: identity,
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signature(this.signingSecret, identity, timestamp, body),
    };
    if (context) {
      headers["x-request-id"] = context.requestId;
      for (const name of FORWARDED) {
        const value = context.forward[name];
        if (value) headers[name] = value;
      }
      if (context.wantProvenance) headers[PROVENANCE_HEADER] = "1";
    }
    return headers;
  }

  /** A 2xx answer's GraphQL response; a body that is not one is the unit failing. */
  private read(answer: RawAnswer): GatewayGraphQLResponse {
    let response: unknown;
    try {
      response = JSON.parse(answer.body);
    } catch {
      response = undefined;
    }
    if (response === null || typeof response !== "object" || Array.isArray(response)) throw this.error({ kind: "response", transient: false, unhealthy: true });
    return response as GatewayGraphQLResponse;
  }

  /**
   * Only a fetch whose own operation is a query may be sent twice or shared:
   * a mutation that failed in flight may have been applied. A fetch the
   * gateway cannot read counts as not a query.
   */
  private kindOf(query: string, operationName: string | undefined, document: import("graphql").DocumentNode | undefined): string | undefined {
    const key = `${operationName ?? ""}\n${query}`;
    if (this.kinds.has(key)) return this.kinds.get(key);
    let kind: string | undefined;
    try {
      kind = getOperationAST(document ?? parse(query), operationName)?.operation;
    } catch {
      kind = undefined;
    }
    if (this.kinds.size > 1000) this.kinds.clear();
    this.kinds.set(key, kind);
    return kind;
  }

  private timeout(budgetMs: number, byDeadline: boolean): GraphQLError {
    const message = byDeadline ? `the ${this.unit} unit did not answer before the request's deadline` : `the ${this.unit} unit did not answer within ${budgetMs} ms`;
    return new GraphQLError(message, { extensions: { code: "TIMEOUT", unit: this.unit } });
  }

  private open(): GraphQLError {
    return new GraphQLError(`the ${this.unit} unit is unavailable (failing fast after repeated failures)`, { extensions: { code: "UNAVAILABLE", unit: this.unit } });
  }

  private error(failure: Failure): GraphQLError {
    const detail = failure.status ? ` (HTTP ${failure.status})` : "";
    return new GraphQLError(`the ${this.unit} unit is unavailable${detail}`, { extensions: { code: "UNAVAILABLE", unit: this.unit } });
  }
}

const JSON_TYPES = /^application\/(graphql-response\+)?json/i;

/** The longest delay setTimeout keeps (2^31 - 1 ms); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** "Full jitter" backoff: a random wait up to base·2^attempt, so retries from many requests spread out. */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  return Math.round(random() * baseMs * 2 ** attempt);
}
