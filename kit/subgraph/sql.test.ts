import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Knex } from "knex";
import { createSilo } from "./db";
import { Statements, newestPerKey } from "./sql";

describe("statements compiled once per shape", () => {
  let dir: string;
  let db: Knex;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cg-sql-"));
    db = createSilo(join(dir, "silo.sqlite"));
    await db.schema.createTable("t", (t) => {
      t.string("id").primary();
      t.string("owner");
      t.integer("n");
    });
    await db("t").insert(Array.from({ length: 12 }, (_, i) => ({ id: `t${i}`, owner: `o${i % 3}`, n: i })));
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("give each batch the rows its own builder gives, compiling once per number of keys and constants", async () => {
    const statements = new Statements();
    let builds = 0;
    const newest = (keys: readonly string[], first: number) => newestPerKey(db, db("t").select("t.*").whereIn("owner", keys).where("n", ">", 0), "owner", [{ column: "n", order: "desc" }], first);
    const run = (keys: readonly string[], first: number) => statements.rows(db, "newest", keys, (k) => ((builds += 1), newest(k, first)), first);
    for (const [keys, first] of [
      [["o0", "o1"], 2],
      [["o2", "o0"], 2],
      [["o1", "nobody"], 2],
      [["o1", "o2"], 3],
      [["o2"], 3],
      [["o0"], 3],
    ] as const) {
      expect(await run(keys, first)).toEqual(await newest(keys, first));
    }
    // Shapes: two keys with first 2, two keys with first 3, one key with first 3.
    expect(builds).toBe(3);
  });

  it("run through knex as before: its query events, its errors", async () => {
    const statements = new Statements();
    const seen: string[] = [];
    const listener = (q: { sql: string; bindings: unknown[] }) => seen.push(`${q.sql} ${JSON.stringify(q.bindings)}`);
    db.on("query", listener);
    try {
      expect(await statements.rows(db, "byIds", ["t1", "t2"], (keys) => db("t").select("id").whereIn("id", keys).orderBy("id"))).toEqual([{ id: "t1" }, { id: "t2" }]);
      expect(await statements.rows(db, "byIds", ["t3", "t4"], (keys) => db("t").select("id").whereIn("id", keys).orderBy("id"))).toEqual([{ id: "t3" }, { id: "t4" }]);
    } finally {
      db.off("query", listener);
    }
    expect(seen).toEqual(['select `id` from `t` where `id` in (?, ?) order by `id` asc ["t1","t2"]', 'select `id` from `t` where `id` in (?, ?) order by `id` asc ["t3","t4"]']);
    await expect(statements.rows(db, "broken", ["t1"], (keys) => db("no_such_table").whereIn("id", keys))).rejects.toMatchObject({ message: expect.stringMatching(/no such table: no_such_table/) });
  });

  it("compile every time a statement whose keys do not come out as bindings of their own", async () => {
    const statements = new Statements();
    let builds = 0;
    // Keys written into the SQL text itself: no shape can stand for them.
    const inline = (keys: readonly string[]) => (
      (builds += 1),
      db("t")
        .select("id")
        .whereRaw(`id in (${keys.map((k) => `'${k}'`).join(", ")})`)
        .orderBy("id")
    );
    expect(await statements.rows(db, "inline", ["t1"], inline)).toEqual([{ id: "t1" }]);
    expect(await statements.rows(db, "inline", ["t2"], inline)).toEqual([{ id: "t2" }]);
    expect(builds).toBe(3); // the attempt at a shape, then each batch
  });
});
