import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { Fetcher } from "@apollo/utils.fetcher";
import { GraphQLError } from "graphql";
import type { GatewayContext } from "./context";
import { PROVENANCE_HEADER, provenanceOf } from "./provenance";

/** Headers a client may set that every subgraph should see. */
const FORWARDED = ["x-channel"] as const;

/**
 * How the gateway talks to one subgraph: forwards the request id and the
 * channel, bounds each fetch by a timeout, and turns a failed fetch into an
 * error that names the unit and says nothing of its address.
 */
export class UnitDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly unit: string,
    url: string,
    private readonly timeoutMs: number,
  ) {
    super({ url });
    // Node's fetch (undici) keeps connections alive per origin.
    this.fetcher = ((input: string, init: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(this.timeoutMs) })) as unknown as Fetcher;
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = options.request.http?.headers;
    if (!headers || !("incomingRequestContext" in options)) return;
    const context = options.context;
    headers.set("x-request-id", context.requestId);
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
    try {
      return await super.process(options);
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  private unavailable(err: unknown): GraphQLError {
    const cause = err as { name?: string; message?: string; extensions?: { response?: { status?: number } } };
    if (cause?.name === "TimeoutError" || cause?.name === "AbortError") {
      return new GraphQLError(`the ${this.unit} unit did not answer within ${this.timeoutMs} ms`, { extensions: { code: "TIMEOUT", unit: this.unit } });
    }
    const status = cause?.extensions?.response?.status;
    return new GraphQLError(`the ${this.unit} unit is unavailable${status ? ` (HTTP ${status})` : ""}`, { extensions: { code: "UNAVAILABLE", unit: this.unit } });
  }
}
