import type { FormattedExecutionResult, GraphQLFormattedError } from "graphql";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { IDENTITY_HEADER, type Identity, SIGNATURE_HEADER, TIMESTAMP_HEADER, encodeIdentity, signature } from "../../kit/identity";

/**
 * The owning unit's event stream for one subscription: a WebSocket to the
 * unit's GraphQL path speaking `graphql-transport-ws` (the graphql-ws
 * client). The unit trusts only the gateway, so `connection_init` carries
 * the same signed headers a query fetch does, the signature taken over
 * `{ query, variables }` of the one subscribe message this connection
 * sends, and the client headers the header rules send the unit, as a query
 * fetch's. One connection per upstream stream: the hub already shares a
 * stream among every subscriber of it, and a connection of its own keeps
 * each signature tied to exactly one operation.
 *
 * A stream that fails (the unit goes away, refuses, or closes) is not
 * reopened here: events sent while no stream was open would be missing
 * without anyone knowing, so the subscribers are told and subscribe again.
 */
export interface UpstreamRequest {
  unit: string;
  /** The unit's GraphQL URL (http or https); the stream opens on the same path with ws or wss. */
  url: string;
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
  identity: Identity | null;
  forward: Partial<Record<"x-channel" | "authorization", string>>;
  /** The client headers the rules read (the first subscriber's: the hub shares a stream only between equal ones). */
  clientHeaders: Readonly<Record<string, string>>;
  /** What of them the header rules send this unit (subgraph-calls/header-rules.ts). */
  propagated: Readonly<Record<string, string>>;
  secret: string;
  keepAliveMs: number;
}

export interface UpstreamSink {
  next(result: FormattedExecutionResult): void;
  error(errors: GraphQLFormattedError[]): void;
  complete(): void;
}

export type Upstream = () => void;

export function openUpstream(request: UpstreamRequest, sink: UpstreamSink): Upstream {
  const body = JSON.stringify({ query: request.query, variables: request.variables });
  const identity = encodeIdentity(request.identity);
  const client = createClient({
    url: request.url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    keepAlive: request.keepAliveMs,
    // Signed when the socket opens, so the timestamp is fresh for the unit's check.
    connectionParams: () => {
      const timestamp = String(Date.now());
      // The rules' headers first: the gateway's own below cannot be stood in for (the rules refuse them anyway).
      const headers: Record<string, string> = { ...request.propagated, [IDENTITY_HEADER]: identity, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature(request.secret, identity, timestamp, body) };
      for (const [name, value] of Object.entries(request.forward)) if (value) headers[name] = value;
      return { headers };
    },
  });
  let done = false;
  const unavailable = (detail: string): GraphQLFormattedError => ({ message: `the ${request.unit} unit's event stream ${detail}; subscribe again`, extensions: { code: "UNAVAILABLE", unit: request.unit } });
  const unsubscribe = client.subscribe(
    { query: request.query, variables: request.variables, operationName: request.operationName },
    {
      next: (result) => sink.next(result as FormattedExecutionResult),
      error: (err) => {
        if (done) return;
        done = true;
        // The unit refused the operation (its errors), or the socket failed or closed.
        if (Array.isArray(err)) sink.error((err as GraphQLFormattedError[]).map((e) => ({ ...e, extensions: { ...e.extensions, unit: request.unit } })));
        else sink.error([unavailable(closeDetail(err))]);
        void client.dispose();
      },
      complete: () => {
        if (done) return;
        done = true;
        sink.complete();
        void client.dispose();
      },
    },
  );
  return () => {
    if (done) return;
    done = true;
    unsubscribe();
    void client.dispose();
  };
}

function closeDetail(err: unknown): string {
  const event = err as { code?: number; reason?: string } | undefined;
  if (event && typeof event.code === "number") return `closed (${event.code}${event.reason ? ` ${event.reason}` : ""})`;
  return "could not be opened";
}
