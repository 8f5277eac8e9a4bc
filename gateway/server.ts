import type { GatewayInterface } from "@apollo/server-gateway-interface";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { type GraphQLFormattedError, type GraphQLSchema, isEnumType } from "graphql";
// The gateway takes only the generic parts of the kit (no type-graphql).
import { PUBLIC_CODES } from "../kit/errors";
import { type RunningServer, headerValue, sendJson, serveApollo } from "../kit/http";
import { type Logger, createLogger } from "../kit/log";
import type { GatewayConfig } from "./config";
import type { GatewayContext } from "./context";
import { gatewayAdmission } from "./admission/chain";
import { corsHandler } from "./http/cors";
import { clientErrorStatus, introspectionEnabled, operationLimits } from "./admission/protection";
import { provenancePlugin } from "./execution/provenance";
import { serveGraphiQL } from "./http/graphiql";
import { mintToken, onDevelopmentSecrets } from "./admission/token";
import { Readiness } from "./operations/readiness";
import { supergraphSource } from "./planning/supergraph";
import { FederationGateway, type FederationGatewayOptions } from "./federation-gateway";
import { createTransport } from "./subgraph-calls/transport";
import { nextSequence } from "./subgraph-calls/calls";
import { Units } from "./subgraph-calls/units";
import { gatewayTelemetry } from "./operations/telemetry";
import { registerBreakerStates } from "./operations/metrics";

export interface Gateway {
  apollo: ApolloServer<GatewayContext>;
  listen(): Promise<RunningServer>;
}

/**
 * The federation gateway. Generic: it serves whatever supergraph it is
 * given; subgraph URLs come from the supergraph unless overridden.
 */
export async function createGateway(config: GatewayConfig, logger: Logger = createLogger("gateway", config.GATEWAY_LOG_LEVEL), injected: GatewayInjections = {}): Promise<Gateway> {
  const telemetry = gatewayTelemetry(config, logger);
  const transport = createTransport({ connections: config.GATEWAY_SUBGRAPH_CONNECTIONS, keepAliveMs: config.GATEWAY_SUBGRAPH_KEEPALIVE_MS });
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

  // Every check before Apollo sees a request, in order (admission/chain.ts).
  const admission = gatewayAdmission(config, () => channels);

  return {
    apollo,
    async listen() {
      const demoToken = onDevelopmentSecrets(config) ? () => mintToken(config, { role: "agent", sub: "graphiql-demo", ttlSeconds: 8 * 3600 }) : undefined;
      const ide = serveGraphiQL(config.GATEWAY_GRAPHIQL, logger, undefined, demoToken);
      const running = await serveApollo<GatewayContext>(
        {
          apollo,
          guard: admission.guard,
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
            identity: admission.identityOf(info),
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
