import type { IncomingHttpHeaders, IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type FormattedExecutionResult, type GraphQLError, buildSchema } from "graphql";
import { CloseCode, GRAPHQL_TRANSPORT_WS_PROTOCOL, makeServer } from "graphql-ws";
import { WebSocketServer, type WebSocket } from "ws";
import type { Feed } from "./feed";
import type { SubscribeRequest } from "./live";

/**
 * Subscriptions over WebSocket (`graphql-transport-ws`, the graphql-ws
 * library's server) on the gateway's own HTTP server and GraphQL path.
 * Browsers cannot set headers on a WebSocket, so `connection_init`'s
 * payload may carry them (`authorization`, `x-channel`, flat or under
 * `headers`); they win over the upgrade request's. Every subscribe message
 * goes through the same admission as an HTTP request (channel, token, rate
 * limit, limits), then the shared subscribe path.
 *
 * A ping every heartbeat; a socket that missed the last one is dropped.
 * Closing all sockets with 1012 on a supergraph reload lets graphql-ws
 * clients reconnect and subscribe again by themselves; 1001 on shutdown.
 */
export interface WebSocketFront {
  /** Admission and subscribe for one subscribe message; a feed, or the errors to send. */
  subscribe(request: SubscribeRequest, headers: IncomingHttpHeaders, remoteAddress: string): Promise<Feed | { errors: readonly GraphQLError[] }>;
  heartbeatMs: number;
  /** Largest message a client may send. */
  maxPayload: number;
}

// graphql-ws wants a schema to hand to `subscribe`; ours plans per operation, so this one is never executed.
const PLACEHOLDER = buildSchema("type Query { _: Boolean } type Subscription { _: Boolean }");

export function serveWebSockets(server: Server, path: string, front: WebSocketFront): { close(code: number, reason: string): void; count(): number } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: front.maxPayload, handleProtocols: (protocols) => (protocols.has(GRAPHQL_TRANSPORT_WS_PROTOCOL) ? GRAPHQL_TRANSPORT_WS_PROTOCOL : false) });
  interface Extra {
    request: IncomingMessage;
    headers: IncomingHttpHeaders;
  }
  const graphql = makeServer<Record<string, unknown>, Extra>({
    connectionInitWaitTimeout: 10_000,
    onConnect: (ctx) => {
      ctx.extra.headers = { ...ctx.extra.request.headers, ...headersOf(ctx.connectionParams) };
      return true;
    },
    onSubscribe: async (ctx, _id, payload) => {
      const outcome = await front.subscribe(payload, ctx.extra.headers, ctx.extra.request.socket.remoteAddress ?? "unknown");
      if ("errors" in outcome) return outcome.errors;
      return { schema: PLACEHOLDER, document: SUBSCRIBE_DOCUMENT, contextValue: outcome as never };
    },
    subscribe: (args) => args.contextValue as unknown as Feed as never,
    // Answers leave the hub formatted already (errors as JSON, codes and units set).
    onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
  });

  const alive = new WeakSet<WebSocket>();
  wss.on("connection", (socket: WebSocket, request: IncomingMessage) => {
    alive.add(socket);
    socket.on("pong", () => alive.add(socket));
    const closed = graphql.opened(
      {
        protocol: socket.protocol,
        // Resolves when the frame is written out: a client that does not read holds its feed up, and the feed's bound drops it.
        send: (data) => new Promise<void>((resolve) => socket.send(data, () => resolve())),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) => socket.on("message", (data) => void cb(String(data)).catch((err: Error) => socket.close(CloseCode.InternalServerError, err.message.slice(0, 120)))),
      },
      { request, headers: request.headers },
    );
    socket.once("close", (code, reason) => void closed(code, String(reason)));
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? "/", "http://localhost").pathname !== path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
  };
  server.on("upgrade", onUpgrade);

  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, front.heartbeatMs);
  heartbeat.unref();

  return {
    close(code, reason) {
      for (const socket of wss.clients) socket.close(code, reason);
    },
    count: () => wss.clients.size,
  };
}

/** `connection_init` headers: flat (`{ authorization }`) or under `headers`, names in lower case. */
function headersOf(params: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const take = (source: unknown) => {
    if (!source || typeof source !== "object") return;
    for (const [name, value] of Object.entries(source)) if (typeof value === "string") out[name.toLowerCase()] = value;
  };
  take(params);
  take(params?.headers);
  return out;
}

const SUBSCRIBE_DOCUMENT = { kind: "Document", definitions: [{ kind: "OperationDefinition", operation: "subscription", selectionSet: { kind: "SelectionSet", selections: [] } }] } as never;
