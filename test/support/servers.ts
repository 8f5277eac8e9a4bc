import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import type { Knex } from "knex";
import { createSilo } from "../../kit/subgraph/db";
import { createLogger } from "../../kit/log";

/**
 * The real database servers the integration tests (`*.int.test.ts`) run
 * on: PostgreSQL and MariaDB on loopback by default, or wherever
 * TEST_POSTGRES_URL / TEST_MYSQL_URL point (a user allowed to create and
 * drop databases). Each test makes its own uniquely named databases and
 * drops them afterwards.
 */
export type ServerDialect = "postgres" | "mysql";
export const SERVER_DIALECTS: readonly ServerDialect[] = ["postgres", "mysql"];
export const SERVER_NAME: Record<ServerDialect, string> = { postgres: "PostgreSQL", mysql: "MariaDB" };

const DEFAULT_URL: Record<ServerDialect, string> = { postgres: "postgres://postgres@127.0.0.1:5432/postgres", mysql: "mysql://root@127.0.0.1:3306/" };
const URL_KEY: Record<ServerDialect, string> = { postgres: "TEST_POSTGRES_URL", mysql: "TEST_MYSQL_URL" };
/** Set by the int project's global setup for its test files: "up", or why not. */
const STATE_KEY: Record<ServerDialect, string> = { postgres: "CG_TEST_POSTGRES", mysql: "CG_TEST_MYSQL" };

const quiet = createLogger("test-servers", "silent");

export function adminUrl(dialect: ServerDialect): string {
  return process.env[URL_KEY[dialect]] || DEFAULT_URL[dialect];
}

/** A knex on the server itself (not one unit's database), for creating databases and poking at sessions. */
export function openAdmin(dialect: ServerDialect): Knex {
  return createSilo(adminUrl(dialect), { poolMax: 2, statementTimeoutMs: 10_000, logger: quiet });
}

/** Why the server cannot be reached, or null when it answers. */
export async function probe(dialect: ServerDialect): Promise<string | null> {
  const db = createSilo(adminUrl(dialect), { poolMax: 1, statementTimeoutMs: 2000, logger: quiet });
  try {
    await db.raw("select 1");
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await db.destroy();
  }
}

/**
 * Starts the server on this machine if it is installed but stopped (only
 * for the default loopback URL: a configured URL is someone else's server),
 * then waits for it to answer. Returns why it is unreachable, or null.
 */
export async function ensureServer(dialect: ServerDialect, waitMs = 30_000): Promise<string | null> {
  let problem = await probe(dialect);
  if (problem === null || process.env[URL_KEY[dialect]]) return problem;
  if (dialect === "postgres" && existsSync("/etc/postgresql")) {
    for (const version of readdirSync("/etc/postgresql")) spawnSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"], { stdio: "ignore" });
  } else if (dialect === "mysql" && existsSync("/usr/sbin/mariadbd")) {
    spawnSync("start-stop-daemon", ["--start", "--oknodo", "--background", "--exec", "/usr/sbin/mariadbd"], { stdio: "ignore" });
  } else {
    return problem;
  }
  for (const deadline = Date.now() + waitMs; problem !== null && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 500));
    problem = await probe(dialect);
  }
  return problem;
}

export function recordServerState(dialect: ServerDialect, problem: string | null): void {
  process.env[STATE_KEY[dialect]] = problem === null ? "up" : `unreachable at ${adminUrl(dialect)}: ${problem}`;
}

/** Null when the server is up, else why the tests on it are skipped. */
export function serverDown(dialect: ServerDialect): string | null {
  const state = process.env[STATE_KEY[dialect]];
  if (state === "up") return null;
  return state ?? "not probed (integration tests run in jest's int project)";
}

/** `describe` when the servers are up, `describe.skip` (saying why) when not. */
export function describeOnServers(dialects: readonly ServerDialect[], title: string, body: () => void): void {
  const down = dialects.map((d) => [d, serverDown(d)] as const).filter(([, why]) => why !== null);
  if (down.length === 0) return describe(title, body);
  const why = down.map(([d, reason]) => `${SERVER_NAME[d]} ${reason}`).join("; ");
  process.stderr.write(`skipped "${title}": ${why}\n`);
  describe.skip(`${title} (skipped: ${why})`, body);
}

export interface ScratchDatabase {
  dialect: ServerDialect;
  name: string;
  /** The URL a unit is given: the admin URL's credentials and server, this database. */
  url: string;
  drop(): Promise<void>;
}

const PREFIX = "cgt_";
const STALE_MS = 6 * 3600_000;

/** A new, empty, uniquely named database; `drop()` removes it (even with sessions still open). */
export async function createDatabase(dialect: ServerDialect, label: string): Promise<ScratchDatabase> {
  const name = `${PREFIX}${Date.now().toString(36)}_${label
    .replace(/[^a-z0-9]/gi, "")
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(3).toString("hex")}`;
  const admin = openAdmin(dialect);
  try {
    await admin.raw(dialect === "postgres" ? "create database ?? encoding 'UTF8' template template0" : "create database ?? character set utf8mb4", [name]);
  } finally {
    await admin.destroy();
  }
  const url = new URL(adminUrl(dialect));
  url.pathname = `/${name}`;
  return { dialect, name, url: url.toString(), drop: () => dropDatabases(dialect, [name]) };
}

async function dropDatabases(dialect: ServerDialect, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const admin = openAdmin(dialect);
  try {
    for (const name of names) await admin.raw(dialect === "postgres" ? "drop database if exists ?? with (force)" : "drop database if exists ??", [name]);
  } finally {
    await admin.destroy();
  }
}

/** Drops scratch databases left behind by runs that died more than six hours ago. */
export async function dropStaleDatabases(dialect: ServerDialect): Promise<void> {
  const admin = openAdmin(dialect);
  let names: string[];
  try {
    const rows: { name: string }[] =
      dialect === "postgres"
        ? (await admin.raw("select datname as name from pg_database where datname like ?", [`${PREFIX}%`])).rows
        : (await admin.raw("select schema_name as name from information_schema.schemata where schema_name like ?", [`${PREFIX}%`]))[0];
    names = rows.map((r) => r.name).filter((n) => Date.now() - parseInt(n.slice(PREFIX.length).split("_")[0], 36) > STALE_MS);
  } finally {
    await admin.destroy();
  }
  await dropDatabases(dialect, names);
}

/** Ids of the sessions connected to a database, other than the one asking. */
export async function sessionsOn(dialect: ServerDialect, database: string): Promise<string[]> {
  const admin = openAdmin(dialect);
  try {
    const rows: { id: number | string }[] =
      dialect === "postgres"
        ? (await admin.raw("select pid as id from pg_stat_activity where datname = ? and pid <> pg_backend_pid()", [database])).rows
        : (await admin.raw("select id from information_schema.processlist where db = ? and id <> connection_id()", [database]))[0];
    return rows.map((r) => String(r.id));
  } finally {
    await admin.destroy();
  }
}

/** Ends every session connected to a database, as an operator (or a failover) would. */
export async function killSessions(dialect: ServerDialect, database: string): Promise<void> {
  const ids = await sessionsOn(dialect, database);
  const admin = openAdmin(dialect);
  try {
    for (const id of ids) await admin.raw(dialect === "postgres" ? "select pg_terminate_backend(?::int)" : "kill ?", [Number(id)]);
  } finally {
    await admin.destroy();
  }
}
