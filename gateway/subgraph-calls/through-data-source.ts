import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayContext } from "../context";
import type { Call } from "./call";
import { badStatus, connectionFailed, sourceFailed } from "./failures";

/**
 * A data source a team already has (a `RemoteGraphQLDataSource` subclass
 * from its `@apollo/gateway` days, with its own `willSendRequest`) as the
 * innermost step of our chain (chain.ts: `wrapDataSource`). It gets the
 * executor's options with the call's request and headers in place (request
 * id, forwarded client headers, trace context), and writes and sends the
 * body itself. What it throws is read the way `RemoteGraphQLDataSource`
 * words it, so retries and the breaker judge it as they judge our own
 * transport, and no address or stack in it reaches a client.
 */
export function throughDataSource(source: GraphQLDataSource<GatewayContext>, unit: string): Call {
  return async (call) => {
    const options = {
      ...call.incoming,
      request: { query: call.query, variables: call.variables, operationName: call.operationName, http: { method: "POST", url: "", headers: new Headers(call.headers) } },
      document: call.document,
    } as GraphQLDataSourceProcessOptions<GatewayContext>;
    try {
      return await source.process(options);
    } catch (err) {
      throw failureOf(err, unit);
    }
  };
}

function failureOf(err: unknown, unit: string) {
  const e = err as { extensions?: { response?: { status?: unknown } }; code?: unknown; type?: unknown; name?: unknown; cause?: { code?: unknown } };
  // RemoteGraphQLDataSource's errorFromResponse: a non-2xx answer, its status in extensions.response.
  const status = e?.extensions?.response?.status;
  if (typeof status === "number") return badStatus(unit, status);
  // node-fetch's FetchError (type "system"), or fetch's TypeError with the socket error as its cause.
  if (e?.type === "system" || typeof e?.code === "string" || typeof e?.cause?.code === "string" || e?.name === "AbortError") return connectionFailed(unit);
  return sourceFailed(unit);
}
