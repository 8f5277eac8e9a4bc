import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { DocumentNode } from "graphql";
import type { GatewayContext } from "../context";

/**
 * One call to one unit, as it goes down the chain of wrappers (chain.ts).
 * Each wrapper has one job and sees the call only through this shape: it may
 * pass on a changed copy, answer itself, or wrap what comes back.
 */
export interface CallRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  /** The parsed document when the planner has one; a merged request (share.ts) has none. */
  document?: DocumentNode;
  /** Only a query may be sent twice or shared; undefined when the gateway could not read the document. */
  operation: "query" | "mutation" | "subscription" | undefined;
  /** The client request it serves; for a shared call, the one whose headers it carries. Null for the gateway's own calls. */
  context: GatewayContext | null;
  /** Epoch ms after which no answer is of use (Infinity for the gateway's own calls). */
  deadline: number;
  /** Headers for the unit (request id, forwarded client headers, trace context, signature). */
  headers: Record<string, string>;
  /**
   * The client headers the header rules send this unit (in `headers` too), sorted by name: they may
   * change the unit's answer, so share.ts shares a request only between fetches that send the same.
   */
  propagated?: Readonly<Record<string, string>>;
  /**
   * The exact bytes on the wire, once a step has written them: share.ts writes merged ones,
   * sign.ts signs them. Bytes, not a string: they wait for the answer (and any retry) outside V8's heap.
   */
  body?: Buffer;
  /** Aborts the exchange (timeout.ts); a transport that cannot be aborted is raced instead. */
  signal?: AbortSignal;
  /** The executor's own options, for a data source of the user's as the transport (wrap.ts). */
  incoming: GraphQLDataSourceProcessOptions<GatewayContext>;
  /** Set by share.ts when another fetch's request carried this one; measure.ts marks its span. */
  carried?: boolean;
  /** Set by share.ts when the fetch went out merged into one request with other fetches (explain.ts reports it). */
  merged?: boolean;
}

/** Answers one call: the unit's GraphQL response, or a thrown failure (failures.ts). */
export type Call = (request: CallRequest) => Promise<GatewayGraphQLResponse>;

/** One cross-cutting concern: given the rest of the chain, the call with that concern added. */
export type Wrapper = (next: Call) => Call;

/**
 * The wrappers around `innermost`, outermost first. Each wrapper is applied
 * once, so one that keeps state (share.ts) keeps it for this chain alone.
 */
export function compose(wrappers: readonly Wrapper[], innermost: Call): Call {
  return wrappers.reduceRight<Call>((next, wrap) => wrap(next), innermost);
}
