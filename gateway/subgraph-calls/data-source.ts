import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { type DocumentNode, getOperationAST, parse } from "graphql";
import type { GatewayContext } from "../context";
import type { Call, CallRequest } from "./call";
import type { HeaderRules } from "./header-rules";

/**
 * Headers a client sets that every subgraph should see. The bearer token
 * rides along (inside the signed request) so a unit can read the graph on
 * the caller's behalf, with the caller's rights, when checking a write.
 */
const FORWARDED = ["x-channel", "authorization"] as const;

/**
 * The seam with the executor: Apollo's public data-source interface
 * (`process(options)`, as `@apollo/gateway` exports it), answered by a chain
 * of wrappers around one call (chain.ts). It turns the executor's options
 * into the call the chain passes down: the GraphQL request, whether it is a
 * query, whom it serves and by when, and what the client request forwards.
 */
export class ChainedDataSource implements GraphQLDataSource<GatewayContext> {
  /**
   * Operation kind by fetch document text, then operation name: a plan's fetches are few and
   * reused, and their texts are the plan's own strings, so a lookup reuses each string's hash
   * where a key joined from the two would be copied and hashed anew on every fetch.
   */
  private readonly kinds = new Map<string, Map<string, CallRequest["operation"]>>();
  private known = 0;

  constructor(
    readonly unit: string,
    private readonly call: Call,
    /** GATEWAY_HEADER_RULES: which client headers this unit is sent. */
    private readonly rules?: HeaderRules,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { query, variables = {}, operationName } = options.request;
    if (!query) throw new Error("a subgraph fetch without a query");
    // Only a client request's options carry its context; health checks and schema loads carry none of ours.
    const context = "incomingRequestContext" in options ? options.context : null;
    const document = "document" in options ? options.document : undefined;
    const propagated = context && this.rules ? this.rules.toUnit(this.unit, context.clientHeaders ?? {}) : undefined;
    return this.call({
      query,
      variables,
      operationName,
      document,
      operation: this.kindOf(query, operationName, document),
      context,
      deadline: context?.deadline ?? Infinity,
      // The gateway's own headers last: no rule may stand in for them (header-rules.ts refuses it anyway).
      headers: context ? { ...propagated, ...forwardedHeaders(context) } : {},
      propagated,
      incoming: options,
      // Set by share.ts; present from the start, so marking a call does not change its shape.
      carried: undefined,
      merged: undefined,
    });
  }

  /**
   * Only a fetch whose own operation is a query may be sent twice or shared:
   * a mutation that failed in flight may have been applied. A fetch the
   * gateway cannot read counts as not a query.
   */
  private kindOf(query: string, operationName: string | undefined, document: DocumentNode | undefined): CallRequest["operation"] {
    let byName = this.kinds.get(query);
    const name = operationName ?? "";
    if (byName?.has(name)) return byName.get(name);
    let kind: CallRequest["operation"];
    try {
      kind = getOperationAST(document ?? parse(query), operationName)?.operation;
    } catch {
      kind = undefined;
    }
    if (this.known > 1000) {
      this.kinds.clear();
      this.known = 0;
      byName = undefined;
    }
    if (!byName) this.kinds.set(query, (byName = new Map()));
    byName.set(name, kind);
    this.known += 1;
    return kind;
  }
}

/** The request id, so one id finds the request in every process's log, and the client's forwarded headers. */
function forwardedHeaders(context: GatewayContext): Record<string, string> {
  const headers: Record<string, string> = { "x-request-id": context.requestId };
  for (const name of FORWARDED) {
    const value = context.forward[name];
    if (value) headers[name] = value;
  }
  return headers;
}
