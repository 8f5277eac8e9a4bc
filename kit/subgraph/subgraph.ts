import { ApolloServer, type BaseContext } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLFormattedError } from "graphql";
import type { Knex } from "knex";
import { siloFailureOf } from "./db";
import { BadUserInputError, PUBLIC_CODES } from "../errors";
import type { FederatedSchema } from "./federation";
import { type Channel, parseChannel } from "../channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type RequestInfo, type RunningServer, headerValue, sendError, sendJson, serveApollo } from "../http";
import { type Identity, SIGNATURE_HEADER, type Verdict, verifySigned } from "../identity";
import type { RequestBase } from "./request";
import { partialAnswerPlugin } from "./partial-answer";
import { provenancePlugin } from "./provenance";
import { leanPath } from "./lean-path";

export type { RequestBase } from "./request";
export { PROVENANCE_HEADER } from "./provenance";
import { type Logger, createLogger, loggableError } from "../log";
import { processTelemetry } from "../observe";
import { observeSilo } from "./silo-telemetry";
import { type SubscriptionServer, serveSubscriptions } from "./subscriptions";
import type { EventBus } from "../events/bus";
import type { OutboxRelay } from "./events/relay";
import type { TracingSettings } from "../telemetry";

/**
 * What every subgraph shares: the HTTP front (the gateway's fetches on the
 * lean path, lean-path.ts, the rest through Apollo Server), error masking
 * that names the unit, a health route that pings the silo, and the base of
 * the per-request context. A unit brings its schema, its silo and its loaders.
 */

/**
 * The channel a write comes through. Reads never need it; a write records it,
 * so one that does not say where it comes from is refused.
 */
export function requireChannel(base: RequestBase): Channel {
  if (!base.channel) throw new BadUserInputError("an x-channel header (WEB, MOBILE, STORE, CALL_CENTER or PARTNER) is required for writes", "x-channel");
  return base.channel;
}

export interface SubgraphOptions<C extends BaseContext> {
  /** Subgraph name as in the manifest, e.g. "bookings". */
  name: string;
  schema: FederatedSchema;
  db: Knex;
  context(base: RequestBase): C;
  /**
   * Requests must carry the gateway's signature (identity.ts); off only for
   * benchmarks on loopback. Off, a signed request is still verified, and an
   * unsigned one is read as `unsignedAs` (anonymous when null).
   */
  signing: { secret: string; required: boolean; maxAgeMs: number; unsignedAs?: Identity | null };
  /** Benchmarks only: count GraphQL requests (fetches) and the HTTP messages they came in, served at GET /bench/fetches. */
  benchCounters?: boolean;
  logger?: Logger;
  /** Export traces (OpenTelemetry); off when absent or without an endpoint. */
  tracing?: TracingSettings;
  /**
   * The unit's events (events/): its broker connection and its outbox relay,
   * running while the subgraph listens. Tests that only execute in-process
   * leave them idle.
   */
  events?: { bus: EventBus; relay: OutboxRelay };
}

export interface Subgraph<C extends BaseContext> {
  apollo: ApolloServer<C>;
  /** The per-request context, for in-process callers (tests). */
  context(base?: Partial<RequestBase>): C;
  listen(port: number, host?: string, injections?: ListenInjections): Promise<RunningServer>;
}

/** What only tests set when a unit listens. */
export interface ListenInjections {
  /** Every request through Apollo Server, none through the lean path (lean-path.ts): to compare the two. */
  apolloOnly?: boolean;
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
      // A resolver may name another unit, the one whose data it lacks (UnavailableError).
      return { ...formatted, extensions: { ...extensions, code, unit: typeof extensions.unit === "string" ? extensions.unit : name } };
    }
    // Unknown failures (a driver error, a bug) are logged whole and reach the
    // client as one line naming the unit: no stack, no SQL.
    logger.error({ err: loggableError(error), path: formatted.path }, "resolver failed");
    return { message: `internal error in the ${name} subgraph`, path: formatted.path, locations: formatted.locations, extensions: { code: "INTERNAL_SERVER_ERROR", unit: name } };
  };
}

export async function createSubgraph<C extends BaseContext>(options: SubgraphOptions<C>): Promise<Subgraph<C>> {
  const logger = options.logger ?? createLogger(options.name);
  const maskErrors = maskError(options.name, logger);
  const telemetry = processTelemetry({ name: options.name, logger, tracing: options.tracing, continueTrace: true });
  observeSilo(options.db, options.name, telemetry.metrics.registry);
  const apollo = new ApolloServer<C>({
    schema: options.schema.schema,
    formatError: maskErrors,
    includeStacktraceInErrorResponses: false,
    // runMain owns SIGTERM/SIGINT: it closes the HTTP server first, then Apollo.
    stopOnTerminationSignals: false,
    // The gateway reaches subgraphs with JSON POSTs; a browser has no business here.
    csrfPrevention: true,
    // Inline tracing (ftv1) is for Apollo's hosted reporting, which we do not use.
    // No cache hints anywhere (no response caching of customer data), so no per-field cache-control bookkeeping either.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), provenancePlugin(options.name), partialAnswerPlugin(), ...telemetry.plugins],
  });
  await apollo.start();

  const verdicts = new WeakMap<RequestInfo, Verdict>();
  // Unsigned, tampered or stale requests never reach the schema: 401.
  let fetches = 0;
  let messages = 0;
  const countMessage = (req: IncomingMessage): boolean => {
    if (req.url?.startsWith("/graphql")) messages += 1;
    return false;
  };
  const guard = (_req: IncomingMessage, res: ServerResponse, info: RequestInfo): boolean => {
    fetches += 1;
    if (!options.signing.required && info.headers[SIGNATURE_HEADER] === undefined) {
      verdicts.set(info, { ok: true, identity: options.signing.unsignedAs ?? null });
      return true;
    }
    const verdict = verifySigned(options.signing.secret, info.headers, info.rawBody, Date.now(), options.signing.maxAgeMs);
    if (!verdict.ok) {
      sendError(res, 401, "UNAUTHENTICATED", `${verdict.reason}; the ${options.name} subgraph only answers the gateway`);
      return false;
    }
    verdicts.set(info, verdict);
    return true;
  };
  // The gateway's fetches, answered without Apollo Server's per-request pipeline; anything else goes to Apollo.
  const answer = leanPath<C>({ name: options.name, schema: options.schema.schema, formatError: maskErrors });
  const contextOf = async (info: RequestInfo): Promise<C> => {
    const verdict = verdicts.get(info);
    return options.context({
      requestId: info.requestId,
      channel: parseChannel(headerValue(info.headers["x-channel"])) ?? null,
      identity: verdict?.ok ? verdict.identity : null,
      authorization: headerValue(info.headers.authorization),
    });
  };

  return {
    apollo,
    context: (base) => options.context({ requestId: "in-process", channel: null, identity: null, ...base }),
    async listen(port, host = "127.0.0.1", injections = {}) {
      const running = await serveApollo<C>(
        {
          apollo,
          context: contextOf,
          guard,
          answer: injections.apolloOnly ? undefined : answer,
          // The gateway's batches (kit/unit-batch.ts): every entry is verified, served and logged as a request of its own.
          batch: true,
          ...(options.benchCounters ? { onRequest: countMessage } : {}),
          observer: telemetry.observer,
          routes: {
            "/metrics": telemetry.metrics.route,
            ...(options.benchCounters
              ? {
                  "/bench/fetches": (req: IncomingMessage, res: ServerResponse) => {
                    sendJson(res, 200, { fetches, messages });
                    if (req.method === "POST") fetches = messages = 0;
                  },
                }
              : {}),
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
      // Subscriptions (a unit whose schema has them) on the same path, over WebSocket.
      let subscriptions: SubscriptionServer | undefined;
      if (options.schema.schema.getSubscriptionType()) {
        subscriptions = serveSubscriptions(running.server, "/graphql", {
          name: options.name,
          schema: options.schema.schema,
          signing: options.signing,
          context: options.context,
          formatError: maskErrors,
          logger,
        });
      }
      options.events?.relay.start();
      const close = running.close;
      return {
        ...running,
        async close(graceMs?: number) {
          await subscriptions?.close();
          await close(graceMs);
          await options.events?.relay.stop();
          await options.events?.bus.close();
          await apollo.stop();
        },
      };
    },
  };
}
