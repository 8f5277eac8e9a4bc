import { ApolloServer, type BaseContext } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLFormattedError } from "graphql";
import type { Knex } from "knex";
import { siloFailureOf } from "./db";
import { PUBLIC_CODES } from "./errors";
import type { FederatedSchema } from "./federation";
import { type Channel, parseChannel } from "./graph";
import { type RequestInfo, type RunningServer, headerValue, sendJson, serveApollo } from "./http";
import { type Logger, createLogger } from "./log";

/**
 * What every subgraph shares: the HTTP front, error masking that names the
 * unit, a health route that pings the silo, and the base of the per-request
 * context. A unit brings its schema, its silo and its loaders.
 */
export interface RequestBase {
  requestId: string;
  /** The channel the client named (`x-channel`), if valid. Recorded, never used to vary data. */
  channel: Channel | null;
  /** Who is asking, as verified by the gateway; null until identity is wired (anonymous). */
  identity: Identity | null;
}

export interface Identity {
  role: "customer" | "agent" | "partner";
  /** Set for the customer role: the enterprise id of the signed-in customer. */
  customerId?: string;
}

export interface SubgraphOptions<C extends BaseContext> {
  /** Subgraph name as in the manifest, e.g. "bookings". */
  name: string;
  schema: FederatedSchema;
  db: Knex;
  context(base: RequestBase): C;
  logger?: Logger;
}

export interface Subgraph<C extends BaseContext> {
  apollo: ApolloServer<C>;
  /** The per-request context, for in-process callers (tests). */
  context(base?: Partial<RequestBase>): C;
  listen(port: number, host?: string): Promise<RunningServer>;
}

export function maskError(name: string, logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // A silo that is down or too slow is not a bug: the unit's fields fail
    // with UNAVAILABLE, the gateway keeps the other units' answers, and the
    // pool reconnects by itself once the silo is back.
    const failure = siloFailureOf(error);
    if (failure) {
      logger.warn({ err: error instanceof Error ? error.message : String(error), path: formatted.path }, `silo ${failure}`);
      const message = failure === "timeout" ? `the ${name} silo did not answer in time` : `the ${name} silo is unavailable`;
      return { message, path: formatted.path, locations: formatted.locations, extensions: { code: "UNAVAILABLE", unit: name } };
    }
    const code = String(formatted.extensions?.code ?? "INTERNAL_SERVER_ERROR");
    if (PUBLIC_CODES.has(code)) {
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions: { ...extensions, code, unit: name } };
    }
    // Unknown failures (a driver error, a bug) are logged whole and reach the
    // client as one line naming the unit: no stack, no SQL.
    logger.error({ err: error instanceof Error ? error.message : String(error), path: formatted.path }, "resolver failed");
    return { message: `internal error in the ${name} subgraph`, path: formatted.path, locations: formatted.locations, extensions: { code: "INTERNAL_SERVER_ERROR", unit: name } };
  };
}

export async function createSubgraph<C extends BaseContext>(options: SubgraphOptions<C>): Promise<Subgraph<C>> {
  const logger = options.logger ?? createLogger(options.name);
  const apollo = new ApolloServer<C>({
    schema: options.schema.schema,
    formatError: maskError(options.name, logger),
    includeStacktraceInErrorResponses: false,
    // runMain owns SIGTERM/SIGINT: it closes the HTTP server first, then Apollo.
    stopOnTerminationSignals: false,
    // The gateway reaches subgraphs with JSON POSTs; a browser has no business here.
    csrfPrevention: true,
    // Inline tracing (ftv1) is for Apollo's hosted reporting, which we do not use.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();

  const contextOf = async (info: RequestInfo): Promise<C> =>
    options.context({ requestId: info.requestId, channel: parseChannel(headerValue(info.headers["x-channel"])) ?? null, identity: null });

  return {
    apollo,
    context: (base) => options.context({ requestId: "in-process", channel: null, identity: null, ...base }),
    async listen(port, host = "127.0.0.1") {
      const running = await serveApollo<C>(
        {
          apollo,
          context: contextOf,
          routes: {
            "/health": async (_req, res) => {
              try {
                await options.db.raw("select 1");
                sendJson(res, 200, { status: "ok", subgraph: options.name });
              } catch {
                sendJson(res, 503, { status: "silo unreachable", subgraph: options.name });
              }
            },
          },
        },
        port,
        host,
      );
      const close = running.close;
      return {
        ...running,
        async close(graceMs?: number) {
          await close(graceMs);
          await apollo.stop();
        },
      };
    },
  };
}
