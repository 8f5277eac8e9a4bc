import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Knex } from "knex";
import { createSilo } from "./db";
import { READ_WHOLE_FROM, Statements, newestPerKey } from "./sql";

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
    const newest = (keys: readonly string[], first: number) => newestPerKey(db, db("t").whereIn("owner", keys).where("n", ">", 0), { columns: ["t.id", "t.owner", "t.n"], key: "owner", orderBy: [{ column: "n", order: "desc" }], first });
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

describe("newest rows per key", () => {
  let dir: string;
  let db: Knex;
  // Owner o0 has 30 rows, o1 12, o2 3, o3 none; `at` repeats, so the id decides ties.
  const rows = [
    ...Array.from({ length: 30 }, (_, i) => ({ id: `a${String(i).padStart(2, "0")}`, owner: "o0", at: i % 7, note: `x${i}` })),
    ...Array.from({ length: 12 }, (_, i) => ({ id: `b${String(i).padStart(2, "0")}`, owner: "o1", at: i % 3, note: `y${i}` })),
    ...Array.from({ length: 3 }, (_, i) => ({ id: `c${i}`, owner: "o2", at: 5, note: `z${i}` })),
  ];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cg-newest-"));
    db = createSilo(join(dir, "silo.sqlite"));
    await db.schema.createTable("r", (t) => {
      t.string("id").primary();
      t.string("owner");
      t.integer("at");
      t.string("note");
    });
    await db("r").insert(rows);
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What the lists must be: each owner's rows, newest `at` first, ties by id descending, at most `first`. */
  function expected(keys: readonly string[], first: number): Map<string, { id: string; owner: string; at: number }[]> {
    const out = new Map<string, { id: string; owner: string; at: number }[]>();
    for (const key of keys) {
      const list = rows
        .filter((r) => r.owner === key)
        .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
        .slice(0, first)
        .map(({ id, owner, at }) => ({ id, owner, at }));
      if (list.length > 0) out.set(key, list);
    }
    return out;
  }

  const list = (first: number) => ({
    columns: ["r.id", "r.owner", "r.at"],
    key: "r.owner",
    orderBy: [
      { column: "at", order: "desc" as const },
      { column: "id", order: "desc" as const },
    ],
    first,
  });

  it.each([1, 3, READ_WHOLE_FROM - 1, READ_WHOLE_FROM, 12, 29, 30, 200])("give each key its newest rows, ties by the unique column, whichever way they are read (first %i)", async (first) => {
    const statements = new Statements();
    for (const keys of [["o0", "o1", "o2", "o3"], ["o2"], ["o3", "o1"], ["o1", "o2"]]) {
      const got = await statements.newest(db, "r", keys, list(first), (k) => db("r").whereIn("owner", k));
      expect(new Map([...got].sort(([a], [b]) => (a < b ? -1 : 1)))).toEqual(expected([...keys].sort(), first));
    }
  });

  it("read the keys' rows whole for a long list, ranked for a short one or when there are more rows than the lists can hold", async () => {
    const statements = new Statements();
    const seen: string[] = [];
    const listener = (q: { sql: string }) => seen.push(q.sql.includes("row_number") ? "ranked" : "whole");
    db.on("query", listener);
    try {
      await statements.newest(db, "r", ["o1", "o2"], list(20), (k) => db("r").whereIn("owner", k)); // 15 rows, room for 40
      await statements.newest(db, "r", ["o1", "o2"], list(3), (k) => db("r").whereIn("owner", k)); // short
      await statements.newest(db, "r", ["o0", "o2"], list(12), (k) => db("r").whereIn("owner", k)); // 33 rows, room for 24
    } finally {
      db.off("query", listener);
    }
    expect(seen).toEqual(["whole", "ranked", "whole", "ranked"]);
  });
});
