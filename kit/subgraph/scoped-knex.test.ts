import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import knex, { type Knex } from "knex";
import { createSilo } from "./db";
import { scopeOf, scopedKnex } from "./scoped-knex";
import { Statements } from "./sql";

// Pins the knex internals scoped-knex.ts relies on: if knex stops building and
// reporting statements this way, these fail.
describe.each([
  ["the SQLite silo's client", (dir: string) => createSilo(join(dir, "silo.sqlite"))],
  ["knex's own better-sqlite3 client", (dir: string) => knex({ client: "better-sqlite3", connection: { filename: join(dir, "plain.sqlite") }, useNullAsDefault: true })],
])("a scoped knex over %s", (_name, open) => {
  let dir: string;
  let db: Knex;
  let seen: { sql: string; scope: unknown }[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "cg-scoped-knex-"));
    db = open(dir);
    await db.schema.createTable("t", (t) => {
      t.integer("id").primary();
      t.string("name");
    });
    await db("t").insert([
      { id: 1, name: "a" },
      { id: 2, name: "b" },
    ]);
    seen = [];
    db.on("query", (q: { sql: string; __knexQueryUid?: string }) => {
      if (q.__knexQueryUid) seen.push({ sql: q.sql, scope: scopeOf(q) });
    });
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers as the silo's knex does, each statement reporting its scope", async () => {
    const scoped = scopedKnex(db, "one");
    expect(await scoped("t").select("name").orderBy("id")).toEqual([{ name: "a" }, { name: "b" }]);
    expect(await scoped("t").where("id", 2).first()).toEqual({ id: 2, name: "b" });
    expect(await scoped.raw("select count(*) as n from t")).toEqual([{ n: 2 }]);
    expect(await scoped.queryBuilder().from("t").pluck("name")).toEqual(["a", "b"]);
    expect(await scoped.select("id").from("t").where("name", "b")).toEqual([{ id: 2 }]);
    expect(await new Statements().rows(scoped, "names", ["1", "2"], (keys) => scoped("t").whereIn("id", keys).orderBy("id"))).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "b" },
    ]);
    expect(seen).toHaveLength(6);
    expect(seen.every((s) => s.scope === "one")).toBe(true);
    expect(scoped.client.config).toBe(db.client.config);
  });

  it("reports its scope for statements of a transaction begun on it, and fails as the silo's knex fails", async () => {
    const scoped = scopedKnex(db, "writer");
    await scoped.transaction(async (trx) => {
      await trx("t").insert({ id: 3, name: "c" });
      await trx.raw("update t set name = 'C' where id = 3");
    });
    await expect(scoped("no_such_table").select()).rejects.toMatchObject({ message: expect.stringMatching(/no such table/) });
    expect(seen.map((s) => s.scope)).toEqual(["writer", "writer", "writer"]);
    expect(await db("t").where("id", 3).first()).toEqual({ id: 3, name: "C" });
  });

  it("keeps two scopes apart and leaves the silo's knex as it was", async () => {
    const listeners = db.client.listenerCount("query");
    const one = scopedKnex(db, "one");
    const two = scopedKnex(db, "two");
    await Promise.all([one("t").where("id", 1), two("t").where("id", 2), db("t").where("id", 1), one.transaction((trx) => trx("t").count())]);
    expect(seen.map((s) => s.scope).sort()).toEqual(["one", "one", "two", undefined]);
    expect(db.client.listenerCount("query")).toBe(listeners);
  });
});
