import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { Fetcher } from "@apollo/utils.fetcher";
import { GraphQLError } from "graphql";
import { IDENTITY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, encodeIdentity, signature } from "../kit/identity";
import type { GatewayContext } from "./context";
import { PROVENANCE_HEADER, provenanceOf } from "./provenance";

/**
 * Headers a client sets that every subgraph should see. The bearer token
 * rides along (inside the signed request) so a unit can read the graph on
 * the caller's behalf, with the caller's rights, when checking a write.
 */
const FORWARDED = ["x-channel", "authorization"] as const;

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
    signingSecret: string,
  ) {
    super({ url });
    // Node's fetch (undici) keeps connections alive per origin. The signature
    // is computed here, over the exact body that goes on the wire.
    this.fetcher = ((input: string, init: RequestInit) => {
      const headers = new Headers(init.headers);
      const timestamp = String(Date.now());
      const identity = headers.get(IDENTITY_HEADER) ?? encodeIdentity(null);
      headers.set(IDENTITY_HEADER, identity);
      headers.set(TIMESTAMP_HEADER, timestamp);
      headers.set(SIGNATURE_HEADER, signature(signingSecret, identity, timestamp, typeof init.body === "string" ? init.body : ""));
      return fetch(input, { ...init, headers, signal: AbortSignal.timeout(this.timeoutMs) });
    }) as unknown as Fetcher;
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
