import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Knex } from "knex";
import { createSilo } from "./db";

describe("the SQLite silo's client", () => {
  let dir: string;
  let db: Knex;
  let acquires: number;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "cg-sqlite-client-"));
    db = createSilo(join(dir, "silo.sqlite"));
    await db.schema.createTable("t", (t) => {
      t.integer("id").primary();
      t.string("name");
    });
    await db("t").insert([
      { id: 1, name: "a" },
      { id: 2, name: "b" },
    ]);
    acquires = 0;
    const pool = db.client.pool as { acquire(): unknown };
    const acquire = pool.acquire.bind(pool);
    pool.acquire = () => ((acquires += 1), acquire());
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs a read on the idle connection without the pool, with knex's events and answers", async () => {
    const events: string[] = [];
    db.on("query", (q: { sql: string }) => events.push(`query ${q.sql}`));
    db.on("query-response", (rows: unknown) => events.push(`response ${JSON.stringify(rows)}`));
    expect(await db("t").select("name").whereIn("id", [1, 2]).orderBy("id")).toEqual([{ name: "a" }, { name: "b" }]);
    expect(await db("t").where("id", 2).first()).toEqual({ id: 2, name: "b" });
    expect(await db("t").orderBy("id").pluck("name")).toEqual(["a", "b"]);
    expect(await db("t").where("id", 3).first()).toBeUndefined();
    expect(acquires).toBe(0);
    expect(events).toEqual([
      "query select `name` from `t` where `id` in (?, ?) order by `id` asc",
      'response [{"name":"a"},{"name":"b"}]',
      "query select * from `t` where `id` = ? limit ?",
      'response {"id":2,"name":"b"}',
      "query select `name` from `t` order by `id` asc",
      'response ["a","b"]',
      "query select * from `t` where `id` = ? limit ?",
      "response undefined",
    ]);
  });

  it("fails a read as knex does: the statement in the message, a query-error event", async () => {
    const errors: string[] = [];
    db.on("query-error", (err: Error) => errors.push(err.message));
    await expect(db("no_such_table").where("id", 1)).rejects.toMatchObject({ message: "select * from `no_such_table` where `id` = 1 - no such table: no_such_table" });
    expect(errors).toEqual(["select * from `no_such_table` where `id` = 1 - no such table: no_such_table"]);
    // The connection is still the pool's, and serves the next read.
    expect(await db("t").count({ n: "*" })).toEqual([{ n: 2 }]);
  });

  it("sends writes through the pool", async () => {
    await db("t").insert({ id: 3, name: "c" });
    await db("t").where("id", 3).update({ name: "C" });
    expect(acquires).toBe(2);
    expect(await db("t").where("id", 3).first()).toEqual({ id: 3, name: "C" });
    expect(acquires).toBe(2);
  });

  it("keeps a read outside an open transaction waiting for it, so it never sees uncommitted rows", async () => {
    let inside: unknown;
    let outside: Promise<unknown> | undefined;
    await db.transaction(async (trx) => {
      await trx("t").insert({ id: 3, name: "c" });
      // The transaction holds the connection: this read queues for the pool.
      outside = db("t")
        .count({ n: "*" })
        .then((rows) => rows);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inside = await trx("t").count({ n: "*" });
      await trx("t").where("id", 3).del();
    });
    expect(inside).toEqual([{ n: 3 }]);
    expect(await outside).toEqual([{ n: 2 }]);
  });
});
