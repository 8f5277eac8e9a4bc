import type { GraphQLDataSource } from "@apollo/gateway";
import type { GatewayContext } from "../context";
import { type CircuitBreaker, breaker } from "./breaker";
import { type Wrapper, compose } from "./call";
import type { SharingOptions } from "./calls";
import { ChainedDataSource } from "./data-source";
import { explain } from "./explain";
import { measure } from "./measure";
import { provenance } from "./provenance";
import { type RetryPolicy, retry } from "./retry";
import { share } from "./share";
import { sign } from "./sign";
import type { HeaderRules } from "./header-rules";
import { throughDataSource } from "./through-data-source";
import { unitHeaders } from "./unit-headers";
import { deadline, timeout } from "./timeout";
import { type Transport, overHttp } from "./transport";

/** How calls to one unit are made. */
export interface CallSettings extends RetryPolicy {
  /** Longest one attempt may take. */
  timeoutMs: number;
  /** The unit's breaker; it outlives data sources, which a supergraph reload rebuilds. */
  breaker: CircuitBreaker;
  sharing: SharingOptions;
  /** GATEWAY_HEADER_RULES: client headers to the unit, its headers back to the client. */
  headerRules?: HeaderRules;
}

/**
 * The wrappers around one call to a unit, outermost first; the one place
 * their order is decided, and why:
 *
 * - measure: the fetch as the request paid for it, everything below included;
 * - deadline: each fetch ends by its own request's deadline, even when shared;
 * - provenance: per fetch, so every client request keeps what its answer said;
 * - unit-headers: per fetch, likewise, for the headers the rules let back (only when some rule does);
 * - explain: per fetch, just above share, which marks the fetch shared or merged;
 * - share: below here a call is one request on the wire, standing for many fetches;
 * - breaker: one verdict per request, its retries included, and no retry once open;
 * - retry: each attempt under its own timeout;
 * - timeout: one attempt, aborted at the unit's timeout or the deadline.
 *
 * Our own transport adds `sign` under these (each attempt signed afresh).
 */
export function callWrappers(unit: string, settings: CallSettings): Wrapper[] {
  const rules = settings.headerRules;
  const headersBack = rules?.returnsHeadersFrom(unit) ? [unitHeaders(unit, rules)] : [];
  return [measure(unit), deadline(unit), provenance(), ...headersBack, explain(unit), share(settings.sharing), breaker(unit, settings.breaker), retry(settings), timeout(unit, settings.timeoutMs)];
}

/** The gateway's own data source for a unit: the chain, then signing, then HTTP over the shared pool. */
export function unitDataSource(unit: string, url: string, settings: CallSettings, pool: Transport, signingSecret: string): GraphQLDataSource<GatewayContext> {
  return new ChainedDataSource(unit, compose([...callWrappers(unit, settings), sign(signingSecret)], overHttp(pool, url, unit, settings.headerRules?.returnsHeadersFrom(unit))), settings.headerRules);
}

/**
 * A data source of the user's (a `buildService` that returns, say, a
 * `RemoteGraphQLDataSource` subclass) wrapped by the same chain: timeouts,
 * deadline, retries, breaker, sharing and measurement apply; signing does
 * not, as the source writes its own body (a unit that requires signatures
 * needs the source to sign, or to run with signatures off).
 */
export function wrapDataSource(source: GraphQLDataSource<GatewayContext>, unit: string, settings: CallSettings): GraphQLDataSource<GatewayContext> {
  return new ChainedDataSource(unit, compose(callWrappers(unit, settings), throughDataSource(source, unit)), settings.headerRules);
}
