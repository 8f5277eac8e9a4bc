import type { BaseContext } from "@apollo/server";
import type { Knex } from "knex";
import { type ConfigOf, type Setting, ConfigError, flag, httpUrl, integer, oneOf, text } from "../config";
import { type Identity, ROLES, type Role } from "../identity";
import { checkProductionSecrets, sharedSettings } from "../shared-settings";
import { type Migration, createSilo, prepareSilo, redactUrl } from "./db";
import type { FederatedSchema } from "./federation";
import { LOG_LEVELS, type LogLevel, type Logger, createLogger } from "../log";
import { type TracingSettings, startTracing } from "../telemetry";
import { runMain } from "../main";
import type { RunningServer } from "../http";
import { describeGap, missingFromSilo } from "./silo-schema";
import { type RequestBase, type Subgraph, createSubgraph } from "./subgraph";
import { attributeRepositories } from "./silo-telemetry";
import { EventBus } from "../events/bus";
import type { Unit } from "./define-unit";
import { Outbox, type OutboxTable } from "./events/outbox";
import { OutboxRelay } from "./events/relay";

/**
 * A unit started as its process starts it (subgraphs/main.ts): config from `env` (and
 * `--no-migrate` in `argv`, which is `<UNIT>_DB_MIGRATE=false`), its silo
 * connected, its subgraph listening. `stop()` lets requests finish, then
 * closes every pooled connection, so the silo keeps no stale sessions.
 */
export async function startUnit<Config>(unit: Unit<Config, object>, env: Record<string, string | undefined>, argv: readonly string[] = []): Promise<{ url: string; stop(): Promise<void> }> {
  const noMigrate = argv.includes("--no-migrate") ? { [`${unit.name.toUpperCase()}_DB_MIGRATE`]: "false" } : {};
  const config = unit.loadConfig({ ...env, ...noMigrate });
  const { subgraph, db } = await unit.create(config);
  const { port, host, shutdownGraceMs } = unit.listenOn(config);
  let running: RunningServer;
  try {
    running = await subgraph.listen(port, host);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    url: running.url,
    async stop() {
      await running.close(shutdownGraceMs);
      await db.destroy();
    },
  };
}

/** A unit's process (subgraphs/main.ts): start, serve, stop cleanly on SIGTERM/SIGINT. */
export function runUnit<Config>(unit: Unit<Config, object>, logger: Logger = createLogger(unit.name)): void {
  runMain(logger, () => startUnit(unit, process.env, process.argv.slice(2)));
}

/** The settings every unit has, under its own prefix (BILLING_PORT, BILLING_DB_URL, ...). */
export type UnitSettings<P extends string> = { [K in `${P}_PORT` | `${P}_DB_POOL_MAX` | `${P}_DB_STATEMENT_TIMEOUT_MS` | `${P}_SEED` | `${P}_SIGNATURE_MAX_AGE_MS` | `${P}_SHUTDOWN_GRACE_MS` | `${P}_OUTBOX_POLL_MS`]: Setting<number> } & {
  [K in `${P}_HOST` | `${P}_DB_URL` | `${P}_BROKER_URL`]: Setting<string>;
} & { [K in `${P}_REQUIRE_SIGNATURE` | `${P}_DB_MIGRATE` | `${P}_BENCH_COUNTERS`]: Setting<boolean> } & { [K in `${P}_UNSIGNED_AS`]: Setting<string> } & { [K in `${P}_LOG_LEVEL`]: Setting<LogLevel> } & typeof sharedSettings;

export function unitSettings<P extends string>(prefix: P, name: string, port: number): UnitSettings<P> {
  return {
    [`${prefix}_PORT`]: integer(`Port the ${name} subgraph listens on.`, port, 0, 65535),
    [`${prefix}_HOST`]: text(`Interface the ${name} subgraph binds to.`, "127.0.0.1"),
    [`${prefix}_DB_URL`]: text(`The ${name} silo: postgres://…, mysql://… or a SQLite file path.`, `sqlite:./data/${name}.sqlite`),
    [`${prefix}_DB_POOL_MAX`]: integer(`Most connections to the ${name} silo.`, 10, 1, 500),
    [`${prefix}_DB_STATEMENT_TIMEOUT_MS`]: integer("Longest a silo statement may run (also the longest wait to connect or for a free connection).", 5000, 100),
    [`${prefix}_DB_MIGRATE`]: flag("Create and migrate the unit's tables at start and seed an empty silo; false: use an existing database as it is, only checking the tables and columns the unit reads.", true),
    [`${prefix}_SEED`]: integer("Demo seed written into an empty silo (only when migrating); 0 leaves an empty silo empty.", 42, 0),
    [`${prefix}_REQUIRE_SIGNATURE`]: flag("Answer only requests signed by the gateway. Off only for benchmarks on loopback; production refuses it.", true),
    [`${prefix}_UNSIGNED_AS`]: text(
      "Benchmarks only, with REQUIRE_SIGNATURE=false: the identity (`role:subject`, e.g. `agent:bench`) an unsigned request is read as, so stock gateways that cannot sign see what a signed agent sees; empty: anonymous. Production refuses it.",
      "",
    ),
    [`${prefix}_BENCH_COUNTERS`]: flag("Benchmarks only: count GraphQL requests and serve the count at GET /bench/fetches (POST resets it). Production refuses it.", false),
    [`${prefix}_SIGNATURE_MAX_AGE_MS`]: integer("How old a gateway signature may be (clock skew included).", 30_000, 1000),
    [`${prefix}_LOG_LEVEL`]: oneOf("Log level; `info` writes one line per request.", LOG_LEVELS, "info"),
    ...sharedSettings,
    [`${prefix}_SHUTDOWN_GRACE_MS`]: integer("On SIGTERM/SIGINT, how long in-flight requests may take to finish.", 10_000, 0, 600_000),
    [`${prefix}_BROKER_URL`]: natsUrl(`The event broker (NATS protocol) the ${name} unit publishes its outbox to and listens on; \`npm start\` runs an embedded one there when none answers.`),
    [`${prefix}_OUTBOX_POLL_MS`]: integer("How often the outbox relay looks for unsent events when no write of this process woke it (rows of other replicas, a backlog).", 250, 10, 60_000),
  } as UnitSettings<P>;
}

/** The default broker: NATS's own port on this host (a nats-server, or the embedded broker of `npm start`). */
export const DEFAULT_BROKER_URL = "nats://127.0.0.1:4222";

function natsUrl(doc: string): Setting<string> {
  return {
    doc,
    default: DEFAULT_BROKER_URL,
    parse(raw) {
      const url = new URL(raw);
      if (url.protocol !== "nats:" || !url.hostname || !url.port) throw new Error(`expected nats://host:port, got "${raw}"`);
      return raw;
    },
  };
}

export interface UnitRuntime {
  port: number;
  host: string;
  dbUrl: string;
  poolMax: number;
  statementTimeoutMs: number;
  migrate: boolean;
  seed: number;
  signing: { secret: string; required: boolean; maxAgeMs: number; unsignedAs: Identity | null };
  /** Benchmarks only: count GraphQL requests (GET /bench/fetches). */
  benchCounters: boolean;
  shutdownGraceMs: number;
  logLevel: LogLevel;
  tracing: TracingSettings;
  brokerUrl: string;
  outboxPollMs: number;
}

/** A unit's common settings out of its loaded config. */
export function unitRuntime<P extends string>(config: ConfigOf<UnitSettings<P>>, prefix: P): UnitRuntime {
  const c = config as unknown as Record<string, number & string & boolean>;
  const required = c[`${prefix}_REQUIRE_SIGNATURE`];
  const unsignedAs = c[`${prefix}_UNSIGNED_AS`];
  const benchCounters = c[`${prefix}_BENCH_COUNTERS`];
  checkProductionSecrets(
    { NODE_ENV: c.NODE_ENV, GRAPH_SIGNING_SECRET: c.GRAPH_SIGNING_SECRET },
    {
      [`${prefix}_REQUIRE_SIGNATURE`]: required ? undefined : "must be true in production",
      [`${prefix}_UNSIGNED_AS`]: unsignedAs === "" ? undefined : "is for benchmarks; must be empty in production",
      [`${prefix}_BENCH_COUNTERS`]: benchCounters ? "is for benchmarks; must be false in production" : undefined,
    },
  );
  if (unsignedAs !== "" && required) throw new ConfigError([`${prefix}_UNSIGNED_AS: only takes effect with ${prefix}_REQUIRE_SIGNATURE=false`]);
  return {
    signing: { secret: c.GRAPH_SIGNING_SECRET, required, maxAgeMs: c[`${prefix}_SIGNATURE_MAX_AGE_MS`], unsignedAs: parseUnsignedAs(`${prefix}_UNSIGNED_AS`, unsignedAs) },
    benchCounters,
    port: c[`${prefix}_PORT`],
    host: c[`${prefix}_HOST`],
    dbUrl: c[`${prefix}_DB_URL`],
    poolMax: c[`${prefix}_DB_POOL_MAX`],
    statementTimeoutMs: c[`${prefix}_DB_STATEMENT_TIMEOUT_MS`],
    migrate: c[`${prefix}_DB_MIGRATE`],
    seed: c[`${prefix}_SEED`],
    shutdownGraceMs: c[`${prefix}_SHUTDOWN_GRACE_MS`],
    logLevel: c[`${prefix}_LOG_LEVEL`] as LogLevel,
    tracing: { endpoint: c.OTEL_EXPORTER_OTLP_ENDPOINT, samplePercent: c.TRACING_SAMPLE_PERCENT },
    brokerUrl: c[`${prefix}_BROKER_URL`],
    outboxPollMs: c[`${prefix}_OUTBOX_POLL_MS`],
  };
}

/** `role:subject` → an identity; a customer's subject is their customer id. */
function parseUnsignedAs(key: string, raw: string): Identity | null {
  if (raw === "") return null;
  const [role, subject] = raw.split(":", 2);
  if (!ROLES.includes(role as Role) || !subject) throw new ConfigError([`${key}: must be role:subject with a role of ${ROLES.join(", ")}; got "${raw}"`]);
  return role === "customer" ? { role, subject, customerId: subject } : { role: role as Role, subject };
}

export interface BootOptions<C extends BaseContext, R> {
  name: string;
  runtime: UnitRuntime;
  migrations: Record<string, Migration>;
  /** A table that is empty exactly when the silo has never been seeded. */
  seedProbeTable: string;
  seed(db: Knex, seed: number): Promise<void>;
  /** The unit's outbox table (events/outbox.ts), created by one of its migrations. */
  outbox: OutboxTable;
  repositories(db: Knex, events: UnitEvents): R;
  buildSchema(): Promise<FederatedSchema>;
  context(base: RequestBase, repos: R): C;
}

/** What a unit's repositories and context get to record and follow events. */
export interface UnitEvents {
  outbox: Outbox;
  bus: EventBus;
}

/**
 * What every unit does to start: connect to its silo; migrate it and seed an
 * empty silo with the demo data, or, over a database the unit did not create
 * (`migrate` off), change nothing; in both cases check that every table and
 * column the unit reads is there; then build its schema and context.
 */
export async function bootSubgraph<C extends BaseContext, R>(o: BootOptions<C, R>): Promise<{ subgraph: Subgraph<C>; db: Knex }> {
  const logger = createLogger(o.name);
  const db = createSilo(o.runtime.dbUrl, { poolMax: o.runtime.poolMax, statementTimeoutMs: o.runtime.statementTimeoutMs, logger });
  try {
    if (o.runtime.migrate) {
      await prepareSilo(db, {
        migrations: o.migrations,
        seedProbeTable: o.seedProbeTable,
        seed: o.runtime.seed > 0 ? () => o.seed(db, o.runtime.seed) : undefined,
      });
    }
    const gap = await missingFromSilo(db, o.migrations);
    const missing = describeGap(gap);
    if (missing) {
      const key = o.name.toUpperCase();
      throw new Error(`the ${o.name} silo at ${redactUrl(o.runtime.dbUrl)} lacks what the ${o.name} subgraph reads: ${missing}. ` + `Point ${key}_DB_URL at the unit's database, or let the unit create its tables (${key}_DB_MIGRATE=true).`);
    }
    // Before the schema is built: resolvers get spans only if tracing is on by then.
    startTracing(o.name, o.runtime.tracing);
    const logger = createLogger(o.name, o.runtime.logLevel);
    const outbox = new Outbox(o.name, o.outbox, db);
    const bus = new EventBus(o.runtime.brokerUrl, `${o.name}-unit`, logger);
    const relay = new OutboxRelay(outbox, bus, logger, { pollMs: o.runtime.outboxPollMs });
    const repos = attributeRepositories(o.repositories(db, { outbox, bus }));
    const subgraph = await createSubgraph<C>({
      name: o.name,
      schema: await o.buildSchema(),
      db,
      context: (base) => o.context(base, repos),
      signing: o.runtime.signing,
      logger,
      events: { bus, relay },
      tracing: o.runtime.tracing,
      benchCounters: o.runtime.benchCounters,
    });
    return { subgraph, db };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

/** For units whose writes must be checked against the live graph (see graph-client.ts). */
export function graphUrlSetting(name: string): Setting<string> {
  return httpUrl(`The customer graph (the gateway's /graphql) the ${name} unit reads to check its writes.`, "http://127.0.0.1:4000/graphql");
}
