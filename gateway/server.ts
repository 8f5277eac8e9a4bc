import type { IncomingMessage, ServerResponse } from "node:http";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { type GraphQLFormattedError, type GraphQLSchema, isEnumType } from "graphql";
// The gateway takes only the generic parts of the kit (no type-graphql).
import { PUBLIC_CODES } from "../kit/errors";
import { type RequestInfo, type RunningServer, headerValue, sendError, sendJson, serveApollo } from "../kit/http";
import { type Logger, createLogger } from "../kit/log";
import type { GatewayConfig } from "./config";
import type { GatewayContext } from "./context";
import { Readiness } from "./readiness";
import { supergraphSource } from "./supergraph";
import { createTransport } from "./transport";
import { Units } from "./units";

export interface Gateway {
  apollo: ApolloServer<GatewayContext>;
  listen(): Promise<RunningServer>;
}

/**
 * The federation gateway. Generic: it serves whatever supergraph it is
 * given; subgraph URLs come from the supergraph unless overridden.
 */
export async function createGateway(config: GatewayConfig, logger: Logger = createLogger("gateway", config.GATEWAY_LOG_LEVEL)): Promise<Gateway> {
  const transport = createTransport({ connections: config.GATEWAY_SUBGRAPH_CONNECTIONS, keepAliveMs: config.GATEWAY_SUBGRAPH_KEEPALIVE_MS });
  const units = new Units(config, transport, logger);
  const readiness = new Readiness(units, config.GATEWAY_READY_PROBE_TIMEOUT_MS);
  const gateway = new ApolloGateway({
    supergraphSdl: supergraphSource({ path: config.SUPERGRAPH_PATH, watch: config.SUPERGRAPH_WATCH, url: config.SUPERGRAPH_URL, pollMs: config.SUPERGRAPH_POLL_MS, logger }),
    buildService: units.buildService,
    // Validate every supergraph, also under NODE_ENV=production: a reload must not swap in a broken one.
    validateSupergraph: true,
  });
  let channels: Set<string> | null = null;
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    channels = enumValues(apiSchema, "Channel");
    readiness.loaded(coreSupergraphSdl);
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: config.GATEWAY_INTROSPECTION,
    includeStacktraceInErrorResponses: false,
    // runMain owns SIGTERM/SIGINT: it closes the HTTP server first, then Apollo.
    stopOnTerminationSignals: false,
    // A custom header forces a CORS preflight, so it proves a request is not a
    // simple cross-site form post; `x-channel` counts, so GET works from curl.
    csrfPrevention: { requestHeaders: ["x-apollo-operation-name", "apollo-require-preflight", "x-channel"] },
    plugins: [ApolloServerPluginLandingPageDisabled()],
    formatError: formatGatewayError(logger),
  });
  await apollo.start();

  const guard = (_req: IncomingMessage, res: ServerResponse, info: RequestInfo): boolean => {
    const channel = headerValue(info.headers["x-channel"]);
    if (channel !== undefined && channels && !channels.has(channel)) {
      sendError(res, 400, "BAD_REQUEST", `x-channel must be one of ${[...channels].join(", ")}; got "${channel}"`);
      return false;
    }
    return true;
  };

  return {
    apollo,
    async listen() {
      const running = await serveApollo<GatewayContext>(
        {
          apollo,
          guard,
          maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
          context: async (info) => ({ requestId: info.requestId, forward: { "x-channel": headerValue(info.headers["x-channel"]) }, deadline: Date.now() + config.GATEWAY_REQUEST_DEADLINE_MS }),
          routes: { "/health": (_req, res) => sendJson(res, 200, { status: "ok" }), "/ready": readiness.route },
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
    const code = String(extensions.code ?? "INTERNAL_SERVER_ERROR");
    const unit = extensions.unit ?? serviceName;
    if (unit !== undefined || PUBLIC_CODES.has(code) || code === "TIMEOUT") {
      return { ...formatted, extensions: { ...extensions, code, ...(unit !== undefined ? { unit } : {}) } };
    }
    logger.error({ err: error instanceof Error ? error.message : String(error), code }, "request failed");
    return { message: "internal error in the gateway", path: formatted.path, locations: formatted.locations, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}
