import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { Fetcher } from "@apollo/utils.fetcher";
import { GraphQLError, getOperationAST, parse } from "graphql";
import { IDENTITY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, encodeIdentity, signature } from "../kit/identity";
import type { CircuitBreaker } from "./breaker";
import type { GatewayContext } from "./context";
import { PROVENANCE_HEADER, provenanceOf } from "./provenance";
import type { Transport } from "./transport";

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
 * How the gateway talks to one subgraph: forwards the request id and the
 * channel; bounds each fetch by the unit's timeout and by what is left of
 * the request's deadline; retries queries (never mutations) on connection
 * errors and 502/503/504 with jittered backoff; fails fast while the unit's
 * breaker is open; and turns a failed fetch into an error that names the unit
 * and says nothing of its address.
 */
export class UnitDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly unit: string,
    url: string,
    private readonly policy: CallPolicy,
    private readonly breaker: CircuitBreaker,
    private readonly transport: Transport,
    signingSecret: string,
  ) {
    super({ url });
    this.fetcher = signing(transport.fetcher, signingSecret);
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = options.request.http?.headers;
    if (!headers || !("incomingRequestContext" in options)) return;
    const context = options.context;
    headers.set("x-request-id", context.requestId);
    headers.set(IDENTITY_HEADER, encodeIdentity(context.identity));
    for (const name of FORWARDED) {
      const value = context.forward[name];
      if (value) headers.set(name, value);
    }
    if (context.wantProvenance) headers.set(PROVENANCE_HEADER, "1");
  }

  override didReceiveResponse({ response, context }: { response: GatewayGraphQLResponse; context: GatewayContext }): GatewayGraphQLResponse {
    const provenance = provenanceOf(response.extensions);
    if (provenance && context.provenance) context.provenance.push(provenance);
    return response;
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    // Health checks and schema loads come without a client request, hence without a deadline.
    const deadline: number | undefined = "incomingRequestContext" in options ? options.incomingRequestContext.context.deadline : undefined;
    let last: Failure | undefined;
    for (let attempt = 0; ; attempt += 1) {
      const left = deadline === undefined ? Infinity : deadline - Date.now();
      if (left <= 0) throw last ? this.error(last) : this.timeout(0, true);
      // An open breaker fails fast; during a retry, the real failure is the better answer.
      if (!this.breaker.tryAcquire()) throw last ? this.error(last) : this.open();
      const budget = Math.min(this.policy.timeoutMs, left);
      const outcome = await this.attempt(options, budget);
      if ("response" in outcome) {
        this.breaker.success();
        return outcome.response;
      }
      last = outcome.failure;
      if (last.unhealthy) this.breaker.failure();
      else this.breaker.success();
      if (last.kind === "timeout") throw this.timeout(budget, budget < this.policy.timeoutMs);

      const delay = backoffMs(attempt, this.policy.retryBaseMs);
      const remaining = deadline === undefined ? Infinity : deadline - Date.now();
      if (!last.transient || attempt >= this.policy.retries || delay >= remaining || !isQuery(options)) throw this.error(last);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private async attempt(options: GraphQLDataSourceProcessOptions<GatewayContext>, budgetMs: number): Promise<{ response: GatewayGraphQLResponse } | { failure: Failure }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), budgetMs);
    try {
      return { response: await this.transport.withSignal(controller.signal, () => super.process(options)) };
    } catch (err) {
      return { failure: classify(err, controller.signal.aborted) };
    } finally {
      clearTimeout(timer);
    }
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

/**
 * Signs each request over the exact body that goes on the wire (kit/identity.ts),
 * around the pooled transport; every attempt gets a fresh timestamp.
 */
function signing(inner: Fetcher, secret: string): Fetcher {
  return ((url: string, init: { headers?: unknown; body?: unknown }) => {
    const headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
    const timestamp = String(Date.now());
    const identity = headers.get(IDENTITY_HEADER) ?? encodeIdentity(null);
    headers.set(IDENTITY_HEADER, identity);
    headers.set(TIMESTAMP_HEADER, timestamp);
    headers.set(SIGNATURE_HEADER, signature(secret, identity, timestamp, typeof init.body === "string" ? init.body : ""));
    return (inner as unknown as (u: string, i: unknown) => ReturnType<Fetcher>)(url, { ...init, headers: Object.fromEntries(headers) });
  }) as unknown as Fetcher;
}

function classify(err: unknown, timedOut: boolean): Failure {
  if (timedOut) return { kind: "timeout", transient: false, unhealthy: true };
  const status = (err as { extensions?: { response?: { status?: unknown } } })?.extensions?.response?.status;
  if (typeof status === "number") return { kind: "status", status, transient: RETRY_STATUSES.has(status), unhealthy: status >= 500 };
  // undici's fetch rejects with a TypeError for refused, reset and dropped connections.
  if (err instanceof TypeError) return { kind: "connection", transient: true, unhealthy: true };
  return { kind: "response", transient: false, unhealthy: true };
}

/**
 * Only a fetch whose own operation is a query may be sent twice: a mutation
 * that failed in flight may have been applied, so it is never retried. A
 * fetch the gateway cannot read counts as not a query.
 */
function isQuery(options: GraphQLDataSourceProcessOptions<GatewayContext>): boolean {
  try {
    const document = ("document" in options ? options.document : undefined) ?? parse(options.request.query ?? "");
    return getOperationAST(document, options.request.operationName)?.operation === "query";
  } catch {
    return false;
  }
}

/** "Full jitter" backoff: a random wait up to base·2^attempt, so retries from many requests spread out. */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  return Math.round(random() * baseMs * 2 ** attempt);
}
