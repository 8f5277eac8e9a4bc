import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import knex, { type Knex } from "knex";
import { types as pgTypes } from "pg";

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
  /** Statement timeout on server dialects; SQLite waits this long on a lock. */
  statementTimeoutMs?: number;
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
  switch (dialectOfUrl(url)) {
    case "sqlite": {
      const filename = sqlitePath(url);
      mkdirSync(dirname(filename), { recursive: true });
      return knex({
        client: "better-sqlite3",
        connection: { filename },
        useNullAsDefault: true,
        // better-sqlite3 is synchronous: one connection, WAL so that another
        // process (a test, an operator) can write while we read.
        pool: {
          min: 1,
          max: 1,
          afterCreate(conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
            conn.pragma("journal_mode = WAL");
            conn.pragma(`busy_timeout = ${timeout}`);
            conn.pragma("foreign_keys = ON");
            done(null, conn);
          },
        },
      });
    }
    case "postgres":
      return knex({
        client: "pg",
        connection: { connectionString: url, statement_timeout: timeout } as Knex.PgConnectionConfig,
        pool: { min: 0, max: options.poolMax ?? 10 },
      });
    case "mysql":
      return knex({
        client: "mysql2",
        connection: { uri: url.replace(/^mariadb:/i, "mysql:"), dateStrings: true, supportBigNumbers: true, bigNumberStrings: true } as unknown as Knex.MySql2ConnectionConfig,
        pool: {
          min: 0,
          max: options.poolMax ?? 10,
          afterCreate(conn: { query(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
            conn.query(`SET SESSION max_statement_time = ${timeout / 1000}`, (err) => done(err && /max_statement_time/.test(err.message) ? null : err, conn));
          },
        },
      });
  }
}

export function dialectOf(db: Knex): Dialect {
  const client = String(db.client.config.client);
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
