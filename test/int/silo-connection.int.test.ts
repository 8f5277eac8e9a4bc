import { GraphQLError } from "graphql";
import type { Knex } from "knex";
import { DEV_SIGNING_SECRET, IDENTITY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, encodeIdentity, signature } from "../../kit/identity";
import { createLogger } from "../../kit/log";
import { siloFailureOf } from "../../kit/subgraph/db";
import { type Subgraph, maskError } from "../../kit/subgraph/subgraph";
import { startUnit } from "../../kit/subgraph/unit";
import { loadUnit } from "../../scripts/manifest";
import { retryUntil } from "../support/eventually";
import { execute } from "../support/execute";
import { type ScratchDatabase, type ServerDialect, createDatabase, describeOnServers, killSessions, sessionsOn } from "../support/servers";

/**
 * A unit's pool on each server, configured only through its settings
 * (<UNIT>_DB_POOL_MAX, <UNIT>_DB_STATEMENT_TIMEOUT_MS): the limits hold on
 * the server, a lost or slow silo becomes UNAVAILABLE, the pool heals by
 * itself, and shutdown leaves no session behind. Each server is exercised
 * through the unit that uses it in production.
 */
const SERVERS: { dialect: ServerDialect; unit: string; sleep(seconds: number): string; sessionId: string; probe: string }[] = [
  { dialect: "postgres", unit: "bookings", sleep: (s) => `select pg_sleep(${s})`, sessionId: "pg_backend_pid()", probe: `{ _entities(representations: [{ __typename: "Customer", id: "C000001" }]) { ... on Customer { stayCount } } }` },
  { dialect: "mysql", unit: "billing", sleep: (s) => `select sleep(${s})`, sessionId: "connection_id()", probe: `{ customer(id: "C000001") { name } }` },
];
const POOL_MAX = 2;
const TIMEOUT_MS = 1500;
/** A request signed as the gateway signs it (development secret), on behalf of an agent. */
async function askAsGateway(url: string, query: string): Promise<{ data?: unknown; errors?: unknown[] }> {
  const body = JSON.stringify({ query });
  const identity = encodeIdentity({ role: "agent", subject: "test-agent" });
  const at = String(Date.now());
  const headers = { "content-type": "application/json", [IDENTITY_HEADER]: identity, [TIMESTAMP_HEADER]: at, [SIGNATURE_HEADER]: signature(DEV_SIGNING_SECRET, identity, at, body) };
  return (await fetch(url, { method: "POST", headers, body })).json() as Promise<{ data?: unknown; errors?: unknown[] }>;
}
const rowsOf = (result: unknown): Record<string, unknown>[] => (Array.isArray(result) ? (result[0] as Record<string, unknown>[]) : (result as { rows: Record<string, unknown>[] }).rows);

for (const { dialect, unit, sleep, sessionId, probe } of SERVERS) {
  describeOnServers([dialect], `the ${unit} silo's connections`, () => {
    const key = unit.toUpperCase();
    let database: ScratchDatabase;
    let env: Record<string, string>;
    let server: { subgraph: Subgraph<never>; db: Knex };

    beforeAll(async () => {
      database = await createDatabase(dialect, `${unit}conn`);
      env = { [`${key}_DB_URL`]: database.url, [`${key}_DB_POOL_MAX`]: String(POOL_MAX), [`${key}_DB_STATEMENT_TIMEOUT_MS`]: String(TIMEOUT_MS), [`${key}_SEED`]: "0" };
      const definition = loadUnit(unit);
      server = (await definition.create(definition.loadConfig(env))) as never;
    });
    afterAll(async () => {
      await server?.db.destroy();
      await database?.drop();
    });

    it(`cuts a slow statement off at ${key}_DB_STATEMENT_TIMEOUT_MS, and the unit reports it as UNAVAILABLE`, async () => {
      const began = Date.now();
      const err = await server.db.raw(sleep(10)).then(
        () => null,
        (e: unknown) => e,
      );
      const took = Date.now() - began;
      expect(err).not.toBeNull();
      expect(siloFailureOf(err)).toBe("timeout");
      expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
      expect(took).toBeLessThan(TIMEOUT_MS + 2000);
      const formatted = maskError(unit, createLogger(unit, "silent"))({ message: "raw", path: ["customer"] }, new GraphQLError("raw", { originalError: err as Error }));
      expect(formatted).toEqual({ message: `the ${unit} silo did not answer in time`, path: ["customer"], locations: undefined, extensions: { code: "UNAVAILABLE", unit } });
    });

    it(`opens at most ${key}_DB_POOL_MAX connections, however many statements wait`, async () => {
      const began = Date.now();
      const results = await Promise.all(Array.from({ length: 3 * POOL_MAX }, () => server.db.raw(`select ${sessionId} as id, x.* from (${sleep(0.3)}) x`)));
      const sessions = new Set(results.map((r) => String(rowsOf(r)[0].id)));
      expect(sessions.size).toBe(POOL_MAX);
      expect(Date.now() - began).toBeGreaterThanOrEqual(3 * 300 - 50); // three waves of two
      expect((await sessionsOn(dialect, database.name)).length).toBeLessThanOrEqual(POOL_MAX);
    });

    if (dialect === "mysql") {
      it("pins every session's time zone to UTC, whatever the server's", async () => {
        const results = await Promise.all(Array.from({ length: POOL_MAX }, () => server.db.raw("select @@session.time_zone as tz, x.* from (select sleep(0.1)) x")));
        expect(results.map((r) => rowsOf(r)[0].tz)).toEqual(Array(POOL_MAX).fill("+00:00"));
      });
    }

    it("fails a statement whose session is killed with UNAVAILABLE, and serves again without a restart", async () => {
      const inFlight = server.db.raw(sleep(1)).then(
        () => null,
        (e: unknown) => e,
      );
      await retryUntil(
        () => sessionsOn(dialect, database.name),
        (ids) => ids.length > 0,
      );
      await new Promise((r) => setTimeout(r, 200));
      await killSessions(dialect, database.name);
      expect(siloFailureOf(await inFlight)).toBe("unreachable");
      // Whatever the pool still held is dead too; requests fail cleanly (never
      // INTERNAL_SERVER_ERROR) until the pool has replaced it, then succeed.
      const seen = new Set<string>();
      const answer = await retryUntil(
        () => execute(server.subgraph as Subgraph<never>, probe),
        (r) => {
          for (const e of r.errors ?? []) seen.add(`${e.extensions?.code} ${e.extensions?.unit}`);
          return r.errors === undefined;
        },
      );
      expect(answer.errors).toBeUndefined();
      expect([...seen].filter((s) => s !== `UNAVAILABLE ${unit}`)).toEqual([]);
    });

    it("closes every connection to its silo when the unit stops", async () => {
      await server.db.destroy(); // the tests' own pool, so that every session left is the unit's
      expect(
        await retryUntil(
          () => sessionsOn(dialect, database.name),
          (ids) => ids.length === 0,
          5000,
        ),
      ).toEqual([]);
      // What subgraphs/main.ts runs, and what it calls on SIGTERM; this process lives on, so only stop() can end the sessions.
      const running = await startUnit(loadUnit(unit), { ...env, [`${key}_PORT`]: "0" });
      try {
        const answers = await Promise.all(Array.from({ length: 4 }, () => askAsGateway(running.url, probe)));
        expect(answers).toEqual(Array(4).fill(expect.objectContaining({ data: expect.anything() })));
        expect(answers[0].errors).toBeUndefined();
        expect((await sessionsOn(dialect, database.name)).length).toBeGreaterThan(0);
      } finally {
        await running.stop();
      }
      expect(
        await retryUntil(
          () => sessionsOn(dialect, database.name),
          (ids) => ids.length === 0,
          5000,
        ),
      ).toEqual([]);
    }, 30_000);
  });
}
