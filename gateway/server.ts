import type { IncomingMessage, ServerResponse } from "node:http";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { type GraphQLFormattedError, type GraphQLSchema, isEnumType } from "graphql";
// The gateway takes only the generic parts of the kit (no type-graphql).
import { PUBLIC_CODES } from "../kit/errors";
import { type RequestInfo, type RunningServer, headerValue, sendError, sendJson, serveApollo } from "../kit/http";
import { type Logger, createLogger } from "../kit/log";
import type { GatewayConfig } from "./config";
import type { GatewayContext } from "./context";
import type { Identity } from "../kit/identity";
import { AuthenticationError, createAuthenticator } from "./admission/auth";
import { corsHandler } from "./http/cors";
import { PersistedOperations } from "./admission/persisted";
import { clientErrorStatus, introspectionEnabled, operationLimits, tokenLimit } from "./admission/protection";
import { provenancePlugin } from "./execution/provenance";
import { RateLimiter } from "./admission/rate-limit";
import { serveGraphiQL } from "./http/graphiql";
import { mintToken, onDevelopmentSecrets } from "./admission/token";
import { Readiness } from "./operations/readiness";
import { supergraphSource } from "./planning/supergraph";
import { installLeanResultShaping } from "./execution/shaping";
import { installPlanExecutor } from "./execution/executor";
import { createTransport } from "./subgraph-calls/transport";
import { nextSequence } from "./subgraph-calls/calls";
import { Units } from "./subgraph-calls/units";
import { gatewayTelemetry } from "./operations/telemetry";

export interface Gateway {
  apollo: ApolloServer<GatewayContext>;
  listen(): Promise<RunningServer>;
}

/**
 * The federation gateway. Generic: it serves whatever supergraph it is
 * given; subgraph URLs come from the supergraph unless overridden.
 */
export async function createGateway(config: GatewayConfig, logger: Logger = createLogger("gateway", config.GATEWAY_LOG_LEVEL)): Promise<Gateway> {
  const telemetry = gatewayTelemetry(config, logger);
  const transport = createTransport({ connections: config.GATEWAY_SUBGRAPH_CONNECTIONS, keepAliveMs: config.GATEWAY_SUBGRAPH_KEEPALIVE_MS });
  const units = new Units(config, transport, logger);
  const readiness = new Readiness(units, config.GATEWAY_READY_PROBE_TIMEOUT_MS);
  if (config.GATEWAY_OWN_EXECUTOR) installPlanExecutor();
  if (config.GATEWAY_LEAN_RESULT_SHAPING) installLeanResultShaping();
  const gateway = new ApolloGateway({
    supergraphSdl: supergraphSource({ path: config.SUPERGRAPH_PATH, watch: config.SUPERGRAPH_WATCH, url: config.SUPERGRAPH_URL, pollMs: config.SUPERGRAPH_POLL_MS, logger }),
    buildService: units.buildService,
    queryPlannerConfig: { cache: telemetry.planCache },
    // Validate every supergraph, also under NODE_ENV=production: a reload must not swap in a broken one.
    validateSupergraph: true,
  });
  let channels: Set<string> | null = null;
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    channels = enumValues(apiSchema, "Channel");
    readiness.loaded(coreSupergraphSdl);
  });
  const limits = operationLimits(config);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: introspectionEnabled(config),
    validationRules: limits.validationRules,
    // One operation per request: a batch of a thousand would dodge every per-operation limit.
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    // runMain owns SIGTERM/SIGINT: it closes the HTTP server first, then Apollo.
    stopOnTerminationSignals: false,
    // A custom header forces a CORS preflight, so it proves a request is not a
    // simple cross-site form post; `x-channel` counts, so GET works from curl.
    csrfPrevention: { requestHeaders: ["x-apollo-operation-name", "apollo-require-preflight", "x-channel"] },
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), clientErrorStatus(), ...limits.plugins, ...(config.GATEWAY_PROVENANCE ? [provenancePlugin()] : []), ...telemetry.plugins],
    formatError: formatGatewayError(logger),
  });
  await apollo.start();

  const authenticate = createAuthenticator(config);
  const rateLimiter = new RateLimiter(config.GATEWAY_RATE_LIMIT_PER_MINUTE, config.GATEWAY_RATE_LIMIT_BURST);
  const tooManyTokens = tokenLimit(config.GATEWAY_MAX_TOKENS);
  const persisted = config.GATEWAY_PERSISTED_OPERATIONS ? new PersistedOperations(config.GATEWAY_PERSISTED_OPERATIONS) : null;
  const identities = new WeakMap<RequestInfo, Identity | null>();
  const guard = async (_req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<boolean> => {
    const channel = headerValue(info.headers["x-channel"]);
    if (channel !== undefined && channels && !channels.has(channel)) {
      sendError(res, 400, "BAD_REQUEST", `x-channel must be one of ${[...channels].join(", ")}; got "${channel}"`);
      return false;
    }
    let identity: Identity | null;
    try {
      identity = await authenticate(headerValue(info.headers.authorization));
    } catch (err) {
      if (!(err instanceof AuthenticationError)) throw err;
      sendError(res, 401, "UNAUTHENTICATED", `${err.message}; send no Authorization header to ask as an anonymous caller`, { "www-authenticate": 'Bearer error="invalid_token"' });
      return false;
    }
    const wait = rateLimiter.take(identity ? `sub:${identity.subject}` : `ip:${info.remoteAddress}`);
    if (wait > 0) {
      sendError(res, 429, "RATE_LIMITED", `more than ${config.GATEWAY_RATE_LIMIT_PER_MINUTE} requests a minute from this caller; retry in ${wait} s`, { "retry-after": String(wait) });
      return false;
    }
    const document = documentOf(info);
    const tooLong = document === null ? null : tooManyTokens(document);
    if (tooLong) {
      sendError(res, 400, "GRAPHQL_VALIDATION_FAILED", tooLong);
      return false;
    }
    if (persisted) {
      const verdict = admitPersisted(persisted, info);
      if (!verdict.ok) {
        sendError(res, 400, "PERSISTED_QUERY_NOT_ALLOWED", verdict.message);
        return false;
      }
    }
    identities.set(info, identity);
    return true;
  };

  return {
    apollo,
    async listen() {
      const demoToken = onDevelopmentSecrets(config) ? () => mintToken(config, { role: "agent", sub: "graphiql-demo", ttlSeconds: 8 * 3600 }) : undefined;
      const ide = serveGraphiQL(config.GATEWAY_GRAPHIQL, logger, undefined, demoToken);
      const running = await serveApollo<GatewayContext>(
        {
          apollo,
          guard,
          onRequest: corsHandler(config.GATEWAY_CORS_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean)),
          limits: {
            maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
            bodyTimeoutMs: config.GATEWAY_BODY_TIMEOUT_MS,
            headersTimeoutMs: config.GATEWAY_HEADERS_TIMEOUT_MS,
            maxJsonDepth: config.GATEWAY_MAX_JSON_DEPTH,
            maxJsonValues: config.GATEWAY_MAX_JSON_VALUES,
          },
          observer: telemetry.observer,
          context: async (info) => ({
            requestId: info.requestId,
            identity: identities.get(info) ?? null,
            forward: { "x-channel": headerValue(info.headers["x-channel"]), authorization: headerValue(info.headers.authorization) },
            wantProvenance: config.GATEWAY_PROVENANCE,
            provenance: [],
            deadline: Date.now() + config.GATEWAY_REQUEST_DEADLINE_MS,
            arrival: nextSequence(),
          }),
          routes: { "/health": (_req, res) => sendJson(res, 200, { status: "ok" }), "/ready": readiness.route, "/metrics": telemetry.metrics.route, ...ide.routes },
          html: ide.html,
        },
        config.GATEWAY_PORT,
        config.GATEWAY_HOST,
      );
      return {
        ...running,
        async close(graceMs = config.GATEWAY_SHUTDOWN_GRACE_MS) {
          readiness.drain();
          await running.close(graceMs);
          await apollo.stop();
          await transport.close();
        },
      };
    },
  };
}

/** The GraphQL document of a request, POST or GET, if it sent one. */
function documentOf(info: RequestInfo): string | null {
  const body = info.body as { query?: unknown } | undefined;
  if (body && typeof body === "object" && typeof body.query === "string") return body.query;
  return info.url.searchParams.get("query");
}

/** Persisted operations for POST bodies and GET parameters alike. */
function admitPersisted(persisted: PersistedOperations, info: RequestInfo): { ok: true } | { ok: false; message: string } {
  if (info.body && typeof info.body === "object") return persisted.admit(info.body as Parameters<PersistedOperations["admit"]>[0]);
  const params = info.url.searchParams;
  let extensions: Parameters<PersistedOperations["admit"]>[0]["extensions"];
  try {
    extensions = params.has("extensions") ? JSON.parse(params.get("extensions")!) : undefined;
  } catch {
    return { ok: false, message: "the extensions parameter is not JSON" };
  }
  const request = { query: params.get("query") ?? undefined, extensions };
  const verdict = persisted.admit(request);
  if (verdict.ok && request.query && !params.has("query")) params.set("query", request.query);
  return verdict;
}

/** The values of an enum in the served schema, if it has one by that name. */
function enumValues(schema: GraphQLSchema, name: string): Set<string> | null {
  const type = schema.getType(name);
  return type && isEnumType(type) ? new Set(type.getValues().map((v) => v.name)) : null;
}

/**
 * Errors reach clients with a stable code and the unit they came from;
 * subgraphs mask their own internals, and anything unexpected in the gateway
 * itself is logged and masked here.
 */
function formatGatewayError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const { stacktrace: _s, serviceName, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    // The planner's word for a document it cannot run (e.g. an unknown operation name).
    const code = extensions.code === "INVALID_GRAPHQL" ? "OPERATION_RESOLUTION_FAILURE" : String(extensions.code ?? "INTERNAL_SERVER_ERROR");
    const unit = extensions.unit ?? serviceName;
    if (unit !== undefined || PUBLIC_CODES.has(code) || code === "TIMEOUT") {
      return { ...formatted, extensions: { ...extensions, code, ...(unit !== undefined ? { unit } : {}) } };
    }
    logger.error({ err: error instanceof Error ? error.message : String(error), code }, "request failed");
    return { message: "internal error in the gateway", path: formatted.path, locations: formatted.locations, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}
