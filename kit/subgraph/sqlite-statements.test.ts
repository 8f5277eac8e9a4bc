import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createSilo } from "./db";
import { reusePreparedStatements } from "./sqlite-statements";

describe("prepared statements kept per SQLite connection", () => {
  it("compile a statement once per SQL text, and give the same rows", () => {
    const conn = new Database(":memory:");
    const prepares: string[] = [];
    const prepare = conn.prepare.bind(conn);
    conn.prepare = ((sql: string) => (prepares.push(sql), prepare(sql))) as typeof conn.prepare;
    reusePreparedStatements(conn, 2);
    conn.prepare("create table t (id integer, name text)").run();
    conn.prepare("insert into t values (?, ?)").run(1, "a");
    conn.prepare("insert into t values (?, ?)").run(2, "b");
    expect(conn.prepare("select name from t where id in (?, ?) order by id").all(1, 2)).toEqual([{ name: "a" }, { name: "b" }]);
    expect(conn.prepare("select name from t where id in (?, ?) order by id").all(2, 3)).toEqual([{ name: "b" }]);
    // At most two kept, the oldest going first: the insert, once the count came in.
    expect(conn.prepare("select count(*) as n from t").get()).toEqual({ n: 2 });
    conn.prepare("insert into t values (?, ?)").run(3, "c");
    expect(prepares).toEqual(["create table t (id integer, name text)", "insert into t values (?, ?)", "select name from t where id in (?, ?) order by id", "select count(*) as n from t", "insert into t values (?, ?)"]);
    conn.close();
  });

  it("are what knex runs on a SQLite silo (fails if knex stops preparing through the connection)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cg-statements-"));
    const db = createSilo(join(dir, "silo.sqlite"));
    try {
      await db.schema.createTable("t", (t) => t.integer("id"));
      await db("t").insert([{ id: 1 }, { id: 2 }]);
      // Knex prepares through the connection it was handed, and gets the kept statement back.
      const conn = (await db.client.acquireConnection()) as { prepare(sql: string): unknown };
      const kept = conn.prepare.bind(conn);
      const prepared: unknown[] = [];
      conn.prepare = (sql: string) => (prepared.push(kept(sql)), prepared.at(-1));
      await db.client.releaseConnection(conn);
      expect(await db("t").select("id").where("id", 2)).toEqual([{ id: 2 }]);
      expect(await db("t").select("id").where("id", 1)).toEqual([{ id: 1 }]);
      expect(prepared).toHaveLength(2);
      expect(prepared[1]).toBe(prepared[0]);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
