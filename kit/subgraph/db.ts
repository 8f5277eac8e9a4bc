import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import knex, { type Knex } from "knex";
import { types as pgTypes } from "pg";
import type { Logger } from "../log";
import { SqliteClient } from "./sqlite-client";
import { type SqliteConnection, reusePreparedStatements } from "./sqlite-statements";

// Legacy silos keep wall-clock DATETIMEs and DATEs; node-postgres would read
// them in this process's time zone. Hand them over as text, as mysql2
// (dateStrings) and SQLite do, and let each unit's mapper say what they mean.
pgTypes.setTypeParser(1114, (text: string) => text); // timestamp without time zone
pgTypes.setTypeParser(1082, (text: string) => text); // date

/**
 * One knex pool per process, from one URL: `postgres://…`, `mysql://…`
 * (MariaDB too), or a SQLite file (`sqlite:path`, `file:path`, or a bare
 * path). Dialect differences stay in repositories; this module only knows
 * how to connect.
 */
export type Dialect = "sqlite" | "postgres" | "mysql";

export interface SiloOptions {
  poolMax?: number;
  /**
   * Statement timeout on server dialects; SQLite waits this long on a lock.
   * Also bounds connecting and waiting for a free pooled connection, so a
   * silo that does not answer fails a request instead of holding it.
   */
  statementTimeoutMs?: number;
  /** Where knex's own warnings go (a dropped connection, a failed connect). */
  logger?: Logger;
}

export function dialectOfUrl(url: string): Dialect {
  if (/^postgres(ql)?:\/\//i.test(url)) return "postgres";
  if (/^(mysql|mariadb):\/\//i.test(url)) return "mysql";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^file:/i.test(url)) {
    throw new Error(`unsupported database URL scheme in "${redactUrl(url)}" (use postgres://, mysql:// or a SQLite file path)`);
  }
  return "sqlite";
}

export function sqlitePath(url: string): string {
  return resolve(url.replace(/^(sqlite|file):(\/\/)?/i, ""));
}

/** The URL with any password replaced, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, "//$1:***@");
}

export function createSilo(url: string, options: SiloOptions = {}): Knex {
  const timeout = options.statementTimeoutMs ?? 5000;
  const log = options.logger && knexLog(options.logger);
  switch (dialectOfUrl(url)) {
    case "sqlite": {
      const filename = sqlitePath(url);
      mkdirSync(dirname(filename), { recursive: true });
      return knex({
        // better-sqlite3's, running a read on the idle connection at once (sqlite-client.ts).
        client: SqliteClient,
        connection: { filename },
        useNullAsDefault: true,
        log,
        // better-sqlite3 is synchronous: one connection, WAL so that another
        // process (a test, an operator) can write while we read.
        pool: {
          min: 1,
          max: 1,
          afterCreate(conn: SqliteConnection & { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
            conn.pragma("journal_mode = WAL");
            conn.pragma(`busy_timeout = ${timeout}`);
            conn.pragma("foreign_keys = ON");
            done(null, reusePreparedStatements(conn));
          },
        },
      });
    }
    case "postgres":
      return knex({
        client: "pg",
        // statement_timeout is a session setting sent when connecting.
        connection: { connectionString: url, statement_timeout: timeout, connectionTimeoutMillis: timeout } as Knex.PgConnectionConfig,
        pool: { min: 0, max: options.poolMax ?? 10 },
        acquireConnectionTimeout: timeout,
        log,
      });
    case "mysql":
      return knex({
        client: "mysql2",
        connection: {
          uri: url.replace(/^mariadb:/i, "mysql:"),
          // Text in, text out: DATETIME/DATE as the silo holds them, DECIMAL
          // and BIGINT as exact strings, and Dates written as UTC.
          dateStrings: true,
          supportBigNumbers: true,
          bigNumberStrings: true,
          timezone: "Z",
          connectTimeout: timeout,
        } as unknown as Knex.MySql2ConnectionConfig,
        pool: {
          min: 0,
          max: options.poolMax ?? 10,
          afterCreate(conn: MySqlConnection, done: (err: Error | null, conn: unknown) => void) {
            mysqlSession(conn, timeout).then(
              () => done(null, conn),
              (err: Error) => done(err, conn),
            );
          },
        },
        acquireConnectionTimeout: timeout,
        log,
      });
  }
}

interface MySqlConnection {
  query(sql: string, cb: (err: (Error & { errno?: number }) | null) => void): void;
}

/**
 * Session settings of every MySQL/MariaDB connection. TIMESTAMP columns are
 * converted with the session time zone, so it is pinned to UTC: answers must
 * not depend on the server's zone. The statement timeout is MariaDB's
 * max_statement_time (seconds); MySQL only has max_execution_time (ms,
 * SELECTs only), used when the first is unknown.
 */
async function mysqlSession(conn: MySqlConnection, timeoutMs: number): Promise<void> {
  const run = (sql: string) => new Promise<void>((resolve, reject) => conn.query(sql, (err) => (err ? reject(err) : resolve())));
  await run("SET SESSION time_zone = '+00:00'");
  try {
    await run(`SET SESSION max_statement_time = ${timeoutMs / 1000}`);
  } catch (err) {
    if ((err as { errno?: number }).errno !== 1193) throw err; // ER_UNKNOWN_SYSTEM_VARIABLE
    await run(`SET SESSION max_execution_time = ${timeoutMs}`);
  }
}

function knexLog(logger: Logger): Knex.Config["log"] {
  return {
    warn: (message: string) => logger.warn({ detail: String(message) }, "silo connection"),
    error: (message: string) => logger.error({ detail: String(message) }, "silo connection"),
    deprecate: () => undefined,
    debug: () => undefined,
  };
}

/** Why a silo statement failed, when the cause is the silo rather than the statement. */
export type SiloFailure = "unreachable" | "timeout";

// Node socket errors, pg SQLSTATEs and mysql2 codes that mean "no usable
// connection"; the driver's words, kept here so repositories need not know them.
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "57P01",
  "57P02",
  "57P03",
  "53300", // pg: admin shutdown, crash shutdown, cannot connect now, too many connections
  "28P01",
  "3D000", // pg: bad password, no such database
  "PROTOCOL_CONNECTION_LOST",
  "SQLITE_CANTOPEN",
]);
// MySQL/MariaDB server errors by number (mysql2 has no names for MariaDB's):
// too many connections, access denied, unknown database, shutdown, query
// interrupted, connection killed.
const UNREACHABLE_ERRNOS = new Set([1040, 1045, 1049, 1053, 1317, 1927]);
const TIMEOUT_CODES = new Set(["57014", "SQLITE_BUSY"]);
const TIMEOUT_ERRNOS = new Set([1969, 3024]); // MariaDB max_statement_time, MySQL max_execution_time
const UNREACHABLE_MESSAGES = /Connection terminated|Connection ended unexpectedly|closed state|Client has encountered a connection error|Connection lost/i;

/**
 * Whether an error thrown by a silo query means the silo is unreachable or
 * too slow (as opposed to a bug or bad data). The one place that knows the
 * drivers' error vocabulary; the subgraph turns these into UNAVAILABLE.
 */
export function siloFailureOf(err: unknown): SiloFailure | null {
  for (let e = err as { code?: unknown; errno?: unknown; name?: unknown; message?: unknown; cause?: unknown; originalError?: unknown } | undefined, depth = 0; e && depth < 5; depth += 1) {
    if (e.name === "KnexTimeoutError" || TIMEOUT_CODES.has(String(e.code)) || TIMEOUT_ERRNOS.has(Number(e.errno))) return "timeout";
    if (UNREACHABLE_CODES.has(String(e.code)) || UNREACHABLE_ERRNOS.has(Number(e.errno)) || (typeof e.code === "string" && /^08/.test(e.code))) return "unreachable";
    if (typeof e.message === "string" && UNREACHABLE_MESSAGES.test(e.message)) return "unreachable";
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return null;
}

export function dialectOf(db: Knex): Dialect {
  // The driver's name: `client` may be a client class (a SQLite silo's) rather than a name.
  const client = String(db.client.driverName ?? db.client.config.client);
  if (client === "pg") return "postgres";
  if (client.startsWith("mysql")) return "mysql";
  return "sqlite";
}

export interface Migration {
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

/**
 * Knex migrations from code rather than files on disk, so the same list runs
 * from sources under test and from the compiled build.
 */
export async function migrate(db: Knex, migrations: Record<string, Migration>): Promise<void> {
  const names = Object.keys(migrations).sort();
  await db.migrate.latest({
    migrationSource: {
      getMigrations: async () => names,
      getMigrationName: (name: string) => name,
      getMigration: async (name: string) => migrations[name],
    },
  });
}

export interface SiloSetup {
  migrations: Record<string, Migration>;
  /** A table that is empty exactly when the silo has never been seeded. */
  seedProbeTable: string;
  /** Writes the demo data; omitted when seeding is switched off. */
  seed?: () => Promise<void>;
}

/** Migrate, then seed an empty silo with the demo data (first start only). */
export async function prepareSilo(db: Knex, setup: SiloSetup): Promise<{ seeded: boolean }> {
  await migrate(db, setup.migrations);
  if (!setup.seed) return { seeded: false };
  const [row] = await db(setup.seedProbeTable).count({ n: "*" });
  if (Number(row.n) > 0) return { seeded: false };
  await setup.seed();
  return { seeded: true };
}

/** A unique constraint refused a write (the database's own exactly-once guarantee). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number };
  return e?.code === "23505" || e?.code === "ER_DUP_ENTRY" || e?.errno === 1062 || e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** The id of a row just inserted, whatever the driver hands back. */
export function insertedId(result: unknown[], column: string): number {
  const first = result[0] as Record<string, unknown> | number;
  return Number(typeof first === "object" ? first[column] : first);
}
