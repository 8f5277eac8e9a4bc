import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import { type GraphQLFormattedError, GraphQLError, type GraphQLSchema, getOperationAST, parse, validate } from "graphql";
import { CloseCode, type ServerOptions, handleProtocols, makeServer } from "graphql-ws";
import { WebSocket, WebSocketServer } from "ws";
import { parseChannel } from "../channel";
import { type Identity, IDENTITY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySigned } from "../identity";
import type { Logger } from "../log";
import type { RequestBase } from "./request";

/**
 * GraphQL subscriptions of a subgraph, served to the gateway over WebSocket
 * with the `graphql-transport-ws` protocol (the `graphql-ws` library) on the
 * subgraph's GraphQL path. Any unit whose schema has a Subscription type gets
 * it; queries and mutations stay on HTTP POST.
 *
 * The gateway proves itself as on HTTP, in `connection_init`'s payload:
 * `{ headers: { x-cg-identity, x-cg-timestamp, x-cg-signature, x-channel, authorization } }`.
 * A WebSocket upgrade has no body to sign, so the signature covers the
 * subscribe message that follows: body = JSON.stringify({ query, variables })
 * of its payload. `connection_init` without the signed headers, or with a
 * stale timestamp, closes the socket with 4403 Forbidden; a subscribe message
 * whose body does not match the signature is refused with UNAUTHENTICATED.
 */
export interface SubscriptionOptions<C> {
  name: string;
  schema: GraphQLSchema;
  signing: { secret: string; required: boolean; maxAgeMs: number; unsignedAs?: Identity | null };
  context(base: RequestBase): C;
  /** The subgraph's error formatter (unit named, internals masked). */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  logger: Logger;
  /** How often an idle socket is pinged; one that misses a pong is dropped. */
  keepAliveMs?: number;
}

type Headers = Record<string, string | undefined>;
interface InitPayload extends Record<string, unknown> {
  headers?: Headers;
}
interface Extra {
  request: IncomingMessage;
}

export interface SubscriptionServer {
  /** Closes every subscriber's socket (1001 Going Away) and stops accepting. */
  close(): Promise<void>;
}

const headersOf = (params: Readonly<InitPayload> | undefined): Headers => {
  const raw = params?.headers;
  if (!raw || typeof raw !== "object") return {};
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), typeof v === "string" ? v : undefined]));
};

export function serveSubscriptions<C>(http: Server, path: string, o: SubscriptionOptions<C>): SubscriptionServer {
  const unauthenticated = (message: string) => [new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED" } })];
  const options: ServerOptions<InitPayload, Extra> = {
    schema: o.schema,
    onConnect(ctx) {
      const headers = headersOf(ctx.connectionParams);
      if (!o.signing.required && !headers[SIGNATURE_HEADER]) return true;
      // The signature itself is checked per subscribe message (it covers its body); here, that it is there and recent.
      const at = Number(headers[TIMESTAMP_HEADER]);
      if (!headers[IDENTITY_HEADER] || !headers[SIGNATURE_HEADER] || !Number.isFinite(at) || Math.abs(Date.now() - at) > o.signing.maxAgeMs) {
        o.logger.warn({ remote: ctx.extra.request.socket.remoteAddress }, "subscription connection refused: not signed by the gateway");
        return false;
      }
      return true;
    },
    onSubscribe(ctx, _id, payload) {
      const headers = headersOf(ctx.connectionParams);
      let identity: Identity | null;
      if (!o.signing.required && !headers[SIGNATURE_HEADER]) identity = o.signing.unsignedAs ?? null;
      else {
        const body = JSON.stringify({ query: payload.query, variables: payload.variables });
        const verdict = verifySigned(o.signing.secret, headers, body, Date.now(), o.signing.maxAgeMs);
        if (!verdict.ok) return unauthenticated(verdict.reason);
        identity = verdict.identity;
      }
      let document;
      try {
        document = parse(payload.query);
      } catch (err) {
        return [err instanceof GraphQLError ? err : new GraphQLError(String(err))];
      }
      const invalid = validate(o.schema, document);
      if (invalid.length > 0) return invalid;
      if (getOperationAST(document, payload.operationName)?.operation !== "subscription") {
        return [new GraphQLError("only subscriptions are served over WebSocket; send queries and mutations by HTTP POST", { extensions: { code: "BAD_REQUEST" } })];
      }
      const base: RequestBase = { requestId: randomUUID(), channel: parseChannel(headers["x-channel"]) ?? null, identity, authorization: headers.authorization };
      return { schema: o.schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue: o.context(base) as Record<string, unknown> };
    },
    onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map((e) => o.formatError(e.toJSON(), e)) } : undefined),
    onError: (_ctx, _id, _payload, errors) => errors.map((e) => o.formatError(e.toJSON(), e)),
  };
  const server = makeServer<InitPayload, Extra>(options);
  const wss = new WebSocketServer({ server: http, path, handleProtocols: (protocols) => handleProtocols(protocols) });
  const keepAliveMs = o.keepAliveMs ?? 12_000;

  wss.on("connection", (socket: WebSocket, request: IncomingMessage) => {
    // A peer that stops answering pings is gone: drop it, so its subscriptions end.
    let alive = true;
    socket.on("pong", () => (alive = true));
    const pinger = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, keepAliveMs);
    pinger.unref();
    socket.once("error", (err) => {
      o.logger.warn({ err: err.message }, "subscription socket failed");
      socket.close(CloseCode.InternalServerError, "internal error");
    });
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== WebSocket.OPEN) return resolve();
            socket.send(data, (err) => (err ? reject(err) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on("message", (data) => {
            handle(String(data)).catch((err: unknown) => {
              o.logger.error({ err: String(err) }, "subscription message failed");
              socket.close(CloseCode.InternalServerError, "internal error");
            });
          }),
      },
      { request },
    );
    socket.once("close", (code, reason) => {
      clearInterval(pinger);
      void closed(code, String(reason));
    });
  });

  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.close(1001, "server shutting down");
        wss.close(() => resolve());
      }),
  };
}
