import type { GatewayInterface } from "@apollo/server-gateway-interface";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { type GraphQLFormattedError, type GraphQLSchema, isEnumType } from "graphql";
import { deferredParts, liveOperations } from "./subscriptions/wiring";
// The gateway takes only the generic parts of the kit (no type-graphql).
import { PUBLIC_CODES } from "../kit/errors";
import { type RequestInfo, type RunningServer, headerValue, sendJson, serveApollo } from "../kit/http";
import { type Logger, createLogger } from "../kit/log";
import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayConfig } from "./config";
import type { GatewayContext } from "./context";
import type { Identity } from "../kit/identity";
import { gatewayAdmission } from "./admission/chain";
import { corsHandler } from "./http/cors";
import { clientErrorStatus, introspectionEnabled, operationLimits } from "./admission/protection";
import { provenancePlugin } from "./execution/provenance";
import { serveGraphiQL } from "./http/graphiql";
import { cacheHeaders, cacheHeadersWriter } from "./http/cache-headers";
import { type FastPath, fastPath } from "./http/fast-path";
import { UnitHeaders, unitHeadersPlugin } from "./http/unit-headers";
import { explainLog } from "./execution/explain";
import { COST_HEADER, DemandControl, demandControlPlugin, parseBudgets } from "./admission/demand-control";
import { type CostHints, costHintsOf } from "./admission/cost-hints";
import { mintToken, onDevelopmentSecrets } from "./admission/token";
import { Readiness } from "./operations/readiness";
import { subgraphsOf, supergraphSource } from "./planning/supergraph";
import { FederationGateway, type FederationGatewayOptions } from "./federation-gateway";
import { createTransport } from "./subgraph-calls/transport";
import { nextSequence } from "./subgraph-calls/calls";
import { Units } from "./subgraph-calls/units";
import { gatewayTelemetry } from "./operations/telemetry";
import { registerBreakerStates, sharedStateMetrics, subgraphRequestMetrics } from "./operations/metrics";
import { type SharedState, connectSharedState } from "./shared-state/redis";
import { SharedApqCache } from "./shared-state/apq-cache";
import { SharedRateLimiter } from "./admission/shared-rate-limit";

export interface Gateway {
  apollo: ApolloServer<GatewayContext>;
  listen(): Promise<RunningServer>;
}

/**
 * The federation gateway. Generic: it serves whatever supergraph it is
 * given; subgraph URLs come from the supergraph unless overridden.
 */
export async function createGateway(config: GatewayConfig, logger: Logger = createLogger("gateway", config.GATEWAY_LOG_LEVEL), injected: GatewayInjections = {}, extensions: GatewayExtensions = {}): Promise<Gateway> {
  const telemetry = gatewayTelemetry(config, logger);
  // Read as each request goes out: by then `units` has built the data sources that name the URLs.
  const onRequest = subgraphRequestMetrics(telemetry.metrics.registry, (url) => units.unitAt(url));
  const transport = createTransport({ connections: config.GATEWAY_SUBGRAPH_CONNECTIONS, keepAliveMs: config.GATEWAY_SUBGRAPH_KEEPALIVE_MS, batch: config.GATEWAY_UNIT_BATCH, onRequest });
  const units = new Units(config, transport, logger, injected.sharing);
  registerBreakerStates(telemetry.metrics.registry, () => units.breakerStates());
  const readiness = new Readiness(units, config.GATEWAY_READY_PROBE_TIMEOUT_MS);
  const options: FederationGatewayOptions = {
    supergraphSdl: supergraphSource({ path: config.SUPERGRAPH_PATH, watch: config.SUPERGRAPH_WATCH, url: config.SUPERGRAPH_URL, pollMs: config.SUPERGRAPH_POLL_MS, logger }),
    buildService: units.buildService,
    planner: config.GATEWAY_PLANNER,
    planMetrics: telemetry.planCache,
    logger: { info: (m) => logger.info({}, m), warn: (m) => logger.warn({}, m), error: (m) => logger.error({}, m) },
  };
  const gateway = injected.engine ? injected.engine(options) : new FederationGateway(options);
  const headerRules = config.GATEWAY_HEADER_RULES;
  let channels: Set<string> | null = null;
  let apiSchema: GraphQLSchema | null = null;
  let costHints: CostHints | null = null;
  gateway.onSchemaLoadOrUpdate((update) => {
    channels = enumValues(update.apiSchema, "Channel");
    costHints = costHintsOf(update.coreSupergraphSdl);
    readiness.loaded(update.coreSupergraphSdl);
    const strays = headerRules.unknownUnits(subgraphsOf(update.coreSupergraphSdl).map((s) => s.name));
    if (strays.length > 0) logger.warn({ rules: strays }, "GATEWAY_HEADER_RULES name units the supergraph does not have; those parts of the rules apply to no unit");
    // Subscriptions were planned on the old supergraph: they end, and clients subscribe again on the new one.
    if (apiSchema) live?.restart("the supergraph changed; subscribe again", 1012);
    apiSchema = update.apiSchema;
  });
  const limits = operationLimits(config);
  // What replicas must agree on, in Redis when it is configured (shared-state/); else each keeps its own.
  const stateMetrics = config.GATEWAY_REDIS_URL ? sharedStateMetrics(telemetry.metrics.registry) : null;
  const shared: SharedState | null = stateMetrics ? await connectSharedState(config, logger, stateMetrics, config.GATEWAY_RATE_LIMIT_ON_REDIS_DOWN) : null;
  const format = formatGatewayError(logger);
  const demand = new DemandControl(parseBudgets(config.GATEWAY_COST_BUDGETS), config.GATEWAY_DEFAULT_LIST_SIZE, () => costHints, telemetry.cost);
  const writeCacheHeaders = cacheHeadersWriter(headerRules.varyNames());
  // The order of the willSendResponse round; the fast path (http/fast-path.ts) does the same, in the same order.
  const gatewayPlugins: ApolloServerPlugin<GatewayContext>[] = [
    ApolloServerPluginLandingPageDisabled(),
    ApolloServerPluginCacheControlDisabled(),
    cacheHeaders(headerRules.varyNames()),
    ...(headerRules.returnsHeaders ? [unitHeadersPlugin()] : []),
    clientErrorStatus(),
    ...(limits.plugins as ApolloServerPlugin<GatewayContext>[]),
    demandControlPlugin(demand),
    ...(config.GATEWAY_PROVENANCE ? [provenancePlugin()] : []),
    ...(telemetry.plugins as ApolloServerPlugin<GatewayContext>[]),
  ];
  // A CSRF-safe request carries one of these, or a content type no form can send.
  const csrfHeaders = ["x-apollo-operation-name", "apollo-require-preflight", "x-channel"];
  const fast: FastPath | null =
    config.GATEWAY_FAST_PATH && gateway instanceof FederationGateway
      ? fastPath({
          apollo: (): ApolloServer<GatewayContext> => apollo,
          gateway,
          schema: () => apiSchema,
          formatError: format,
          cacheHeaders: writeCacheHeaders,
          unitHeaders: headerRules.returnsHeaders,
          demand,
          provenance: config.GATEWAY_PROVENANCE,
          errorPlugins: limits.plugins,
          csrfHeaders,
        })
      : null;
  const plugins = [...gatewayPlugins, ...(extensions.plugins ?? []), ...(fast ? [fast.plugin] : [])];
  if (fast && !fast.honours(plugins, gatewayPlugins)) logger.info({ reason: fast.off }, "the fast path is off; every request goes through Apollo Server");
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: introspectionEnabled(config),
    validationRules: limits.validationRules,
    // One operation per request: a batch of a thousand would dodge every per-operation limit.
    allowBatchedHttpRequests: false,
    // Automatic persisted queries: registered on one replica, served by every one.
    ...(shared ? { persistedQueries: { cache: new SharedApqCache(shared) } } : {}),
    includeStacktraceInErrorResponses: false,
    // runMain owns SIGTERM/SIGINT: it closes the HTTP server first, then Apollo.
    stopOnTerminationSignals: false,
    // A custom header forces a CORS preflight, so it proves a request is not a
    // simple cross-site form post; `x-channel` counts, so GET works from curl.
    csrfPrevention: { requestHeaders: csrfHeaders },
    plugins,
    formatError: format,
  });
  await apollo.start();

  // Every check before Apollo sees a request, in order (admission/chain.ts).
  const budgets =
    shared && stateMetrics && config.GATEWAY_RATE_LIMIT_PER_MINUTE > 0 ? new SharedRateLimiter(shared, stateMetrics, config.GATEWAY_RATE_LIMIT_PER_MINUTE, config.GATEWAY_RATE_LIMIT_BURST, config.GATEWAY_RATE_LIMIT_ON_REDIS_DOWN) : undefined;
  const admission = gatewayAdmission(config, () => channels, budgets);
  const contextOf = (info: Pick<RequestInfo, "requestId" | "headers" | "incremental">, identity: Identity | null): GatewayContext => ({
    requestId: info.requestId,
    identity,
    explain: explainLog(config, identity, headerValue(info.headers["x-explain"])),
    wantCost: headerValue(info.headers[COST_HEADER]) === "1",
    forward: { "x-channel": headerValue(info.headers["x-channel"]), authorization: headerValue(info.headers.authorization) },
    clientHeaders: headerRules.read(info.headers),
    unitHeaders: headerRules.returnsHeaders ? new UnitHeaders() : undefined,
    wantProvenance: config.GATEWAY_PROVENANCE,
    provenance: [],
    deadline: Date.now() + config.GATEWAY_REQUEST_DEADLINE_MS,
    arrival: nextSequence(),
    incremental: info.incremental && deferredParts(info.incremental, format),
  });
  // Subscriptions and their transports (subscriptions/); they need the gateway's own executor.
  const live =
    gateway instanceof FederationGateway
      ? liveOperations(
          config,
          gateway,
          () => apiSchema,
          limits.validationRules,
          format,
          logger,
          contextOf,
          telemetry.metrics.registry,
          (unit) => units.urlOf(unit, gateway.unitUrl(unit)) || undefined,
        )
      : null;

  return {
    apollo,
    async listen() {
      const demoToken = onDevelopmentSecrets(config) ? () => mintToken(config, { role: "agent", sub: "graphiql-demo", ttlSeconds: 8 * 3600 }) : undefined;
      const ide = serveGraphiQL(config.GATEWAY_GRAPHIQL, logger, undefined, demoToken);
      const running = await serveApollo<GatewayContext>(
        {
          apollo,
          guard: admission.guard,
          onRequest: corsHandler(
            config.GATEWAY_CORS_ORIGINS.split(",")
              .map((o) => o.trim())
              .filter(Boolean),
          ),
          limits: {
            maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
            bodyTimeoutMs: config.GATEWAY_BODY_TIMEOUT_MS,
            headersTimeoutMs: config.GATEWAY_HEADERS_TIMEOUT_MS,
            maxJsonDepth: config.GATEWAY_MAX_JSON_DEPTH,
            maxJsonValues: config.GATEWAY_MAX_JSON_VALUES,
          },
          observer: telemetry.observer,
          context: async (info) => contextOf(info, admission.identityOf(info)),
          answer: fast?.answer,
          stream: live ? (req, res, info) => live.http(req, res, info, admission.identityOf(info)) : undefined,
          routes: { "/health": (_req, res) => sendJson(res, 200, { status: "ok" }), "/ready": readiness.route, "/metrics": telemetry.metrics.route, ...ide.routes },
          html: ide.html,
        },
        config.GATEWAY_PORT,
        config.GATEWAY_HOST,
      );
      live?.attach(running.server, admission);
      return {
        ...running,
        async close(graceMs = config.GATEWAY_SHUTDOWN_GRACE_MS) {
          readiness.drain();
          // Open streams would hold the graceful close to its end: they end first, with a reason.
          live?.restart("the gateway is shutting down; subscribe again", 1001);
          fast?.stop();
          await running.close(graceMs);
          await apollo.stop();
          await transport.close();
          await shared?.close();
        },
      };
    },
  };
}

/**
 * What tests and the bench put in place of production parts, or turn off to
 * compare; never set by configuration. `engine` runs another gateway object
 * on the same options, e.g. stock ApolloGateway as the reference the
 * executor is compared with; `sharing` turns fetch batching or in-flight
 * de-duplication (subgraph-calls/calls.ts) off.
 */
export interface GatewayInjections {
  engine?: (options: FederationGatewayOptions) => GatewayInterface;
  sharing?: { batch: boolean; dedupe: boolean };
}

/**
 * What an embedder adds to the gateway. `plugins`: Apollo Server plugins of
 * its own, run after the gateway's; the fast path (http/fast-path.ts) cannot
 * run their hooks, so it steps aside while there are any.
 */
export interface GatewayExtensions {
  plugins?: ApolloServerPlugin<GatewayContext>[];
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
export function formatGatewayError(logger: Logger) {
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
