import type { GatewayContext } from "../../gateway/context";
import type { CallRequest } from "../../gateway/subgraph-calls/call";
import { nextSequence } from "../../gateway/subgraph-calls/calls";

/** A client request of the gateway, for tests of one subgraph-call wrapper. */
export function contextOf(overrides: Partial<GatewayContext> = {}): GatewayContext {
  return { requestId: "r1", identity: null, forward: {}, wantProvenance: false, provenance: [], deadline: Date.now() + 5000, arrival: nextSequence(), ...overrides };
}

/** A call as the data source hands it down the chain (subgraph-calls/data-source.ts). */
export function callOf(overrides: Partial<CallRequest> = {}): CallRequest {
  const context = overrides.context === undefined ? contextOf() : overrides.context;
  return {
    query: "{ ok }",
    variables: {},
    operation: "query",
    context,
    deadline: context?.deadline ?? Infinity,
    headers: {},
    // The kind enum is not exported by @apollo/gateway; this is its value.
    incoming: { kind: "incoming operation" as never, request: { query: "{ ok }" }, incomingRequestContext: { context } as never, context: context as GatewayContext },
    ...overrides,
  };
}
