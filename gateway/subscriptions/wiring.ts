import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { type ExecutionResult, type FormattedExecutionResult, GraphQLError, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from "graphql";
import { decodeJwt } from "jose";
import { Gauge, type Registry } from "prom-client";
import type { IncrementalItem, IncrementalResponse } from "../../kit/incremental";
import { type RequestInfo, headerValue } from "../../kit/http";
import type { Identity } from "../../kit/identity";
import type { Logger } from "../../kit/log";
import type { GatewayConfig } from "../config";
import type { DeferredParts, GatewayContext } from "../context";
import type { FederationGateway } from "../federation-gateway";
import { nextSequence } from "../subgraph-calls/calls";
import { serveEventStream, requestOf, serveMultipartSubscription, wantsEventStream, wantsMultipartSubscription } from "./http-streams";
import { SubscriptionHub } from "./hub";
import { type Admitted, LiveOperations, type SubscribeRequest } from "./live";
import { admitMessage } from "./admit-message";
import type { AdmissionChain } from "../admission/chain";
import { openUpstream } from "./upstream";
import { serveWebSockets } from "./ws";

/**
 * How server.ts plugs live operations in: the hub and the three
 * subscription transports over its admission steps and context, and the
 * executor's deferred parts handed to the HTTP layer with errors formatted
 * as Apollo Server formats the primary part's.
 */

type Format = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

export function deferredParts(incremental: IncrementalResponse, format: Format): DeferredParts {
  return {
    add(path, part) {
      incremental.add(
        path,
        part.then(({ items, errors }): IncrementalItem[] => {
          const formatted = errors.map((e) => format(formattedOf(e), e));
          if (items.length === 0) return formatted.length > 0 ? [{ data: null, path: [...path], errors: formatted }] : [];
          return items.map((item, i) => (i === 0 && formatted.length > 0 ? { ...item, errors: formatted } : item));
        }),
      );
    },
  };
}

export interface Live {
  /** Takes over an admitted HTTP request that is a subscription over SSE or multipart; false leaves it to Apollo Server. */
  http(req: IncomingMessage, res: ServerResponse, info: RequestInfo, identity: Identity | null): Promise<boolean>;
  /** Serves WebSocket subscriptions on the gateway's HTTP server; each subscribe message passes `admission` as a request does. */
  attach(server: Server, admission: AdmissionChain): void;
  /** Ends every subscription with a reason; WebSockets are closed with `wsCode` (1012 reload: clients reconnect; 1001 shutdown). */
  restart(message: string, wsCode: number): void;
}

export function liveOperations(
  config: GatewayConfig,
  gateway: FederationGateway,
  schema: () => GraphQLSchema | null,
  rules: readonly ValidationRule[],
  format: Format,
  logger: Logger,
  contextOf: (info: Pick<RequestInfo, "requestId" | "headers" | "incremental">, identity: Identity | null) => GatewayContext,
  registry: Registry,
  /** Where a unit is called (SUBGRAPH_<NAME>_URL, else the supergraph's URL). */
  urlOf: (unit: string) => string | undefined,
): Live {
  const formatResult = (result: ExecutionResult): FormattedExecutionResult => {
    const out: FormattedExecutionResult = { data: result.data ?? null };
    if (result.errors?.length) (out as { errors?: GraphQLFormattedError[] }).errors = result.errors.map((e) => format(formattedOf(e), e));
    if (result.extensions) (out as { extensions?: unknown }).extensions = result.extensions;
    return out;
  };
  const hub = new SubscriptionHub(
    { perCaller: config.GATEWAY_SUBSCRIPTIONS_PER_CALLER, perProcess: config.GATEWAY_SUBSCRIPTIONS_MAX, buffer: config.GATEWAY_SUBSCRIPTION_BUFFER },
    (request, sink) => openUpstream({ ...request, propagated: config.GATEWAY_HEADER_RULES.toUnit(request.unit, request.clientHeaders), secret: config.GRAPH_SIGNING_SECRET, keepAliveMs: config.GATEWAY_SUBSCRIPTION_HEARTBEAT_MS }, sink),
    urlOf,
    formatResult,
    // No unit headers gathered: an event's answer goes down an open stream, whose headers went long ago.
    (context) => ({ ...context, provenance: [], unitHeaders: undefined, deadline: Date.now() + config.GATEWAY_REQUEST_DEADLINE_MS, arrival: nextSequence() }),
    logger,
  );
  new Gauge({
    name: "gateway_subscriptions_open",
    help: "Subscriptions this gateway serves now, all transports.",
    registers: [registry],
    collect() {
      this.set(hub.size);
    },
  });
  new Gauge({
    name: "gateway_subscription_upstreams_open",
    help: "Event streams open to units (each shared by every subscriber of it).",
    registers: [registry],
    collect() {
      this.set(hub.upstreams);
    },
  });
  const roles = new Set(
    config.GATEWAY_SUBSCRIPTION_ROLES.split(",")
      .map((r) => r.trim())
      .filter(Boolean),
  );
  const live = new LiveOperations(gateway, schema, hub, rules, roles);
  const admitted = (info: Pick<RequestInfo, "requestId" | "headers" | "remoteAddress">, identity: Identity | null): Admitted => ({
    identity,
    context: contextOf(info, identity),
    caller: identity ? `sub:${identity.subject}` : `ip:${info.remoteAddress}`,
    expiresAt: expiryOf(headerValue(info.headers.authorization)),
  });
  const front = {
    heartbeatMs: config.GATEWAY_SUBSCRIPTION_HEARTBEAT_MS,
    subscribe: (request: Parameters<LiveOperations["start"]>[0], info: RequestInfo) => live.start(request, admitted(info, identityOf.get(info) ?? null)),
  };
  const identityOf = new WeakMap<RequestInfo, Identity | null>();
  const sse = serveEventStream(front);
  let sockets: ReturnType<typeof serveWebSockets> | null = null;
  let sequence = 0;
  return {
    async http(req, res, info, identity) {
      const accept = headerValue(req.headers.accept);
      // The Accept header first: it is a pattern match, where telling a subscription needs a parse,
      // and most requests ask for neither stream (a subscription that asks for none is Apollo's to refuse).
      const eventStream = wantsEventStream(accept);
      if (!eventStream && !wantsMultipartSubscription(accept)) return false;
      const request = requestOf(info);
      if (!LiveOperations.isSubscription(request)) return false;
      identityOf.set(info, identity);
      if (eventStream) await sse(req, res, info);
      else await serveMultipartSubscription(res, request, info, front);
      return true;
    },
    attach(server, admission) {
      sockets = serveWebSockets(server, "/graphql", {
        heartbeatMs: config.GATEWAY_SUBSCRIPTION_HEARTBEAT_MS,
        maxPayload: config.GATEWAY_MAX_BODY_BYTES,
        subscribe: async (request, headers, remoteAddress) => {
          const requestId = headerValue(headers["x-request-id"]) ?? `ws-${process.pid}-${++sequence}`;
          const info: RequestInfo = { requestId, headers, rawBody: JSON.stringify(request), body: { ...request }, url: new URL("http://localhost/graphql"), remoteAddress };
          const refusal = await admitMessage(admission, info);
          if (refusal) return { errors: [graphQLError(refusal.message, refusal.code)] };
          return live.start(info.body as SubscribeRequest, admitted(info, admission.identityOf(info)));
        },
      });
    },
    restart(message, wsCode) {
      sockets?.close(wsCode, message.slice(0, 120));
      hub.endAll({ message, code: wsCode === 1001 ? "SHUTTING_DOWN" : "SUPERGRAPH_RELOADED" });
    },
  };
}

/** A verified token's expiry (the admission step verified it; only `exp` is read here). */
function expiryOf(authorization: string | undefined): number | null {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "")?.[1];
  if (!token) return null;
  try {
    const exp = decodeJwt(token).exp;
    return typeof exp === "number" ? exp * 1000 : null;
  } catch {
    return null;
  }
}

function graphQLError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** An error as JSON; subgraph errors may arrive already formatted. */
function formattedOf(error: GraphQLError | GraphQLFormattedError): GraphQLFormattedError {
  return error instanceof GraphQLError ? error.toJSON() : error;
}
