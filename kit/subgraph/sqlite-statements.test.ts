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
      // ...and reads its rows with all(), which builds them from raw values (fails if knex reads them otherwise).
      const statement = prepared[0] as Database.Statement;
      const all = statement.all;
      let reads = 0;
      statement.all = (...params: unknown[]) => ((reads += 1), Reflect.apply(all, statement, params));
      expect(all).not.toBe(Object.getPrototypeOf(statement).all);
      expect(await db("t").select("id").where("id", 2)).toEqual([{ id: 2 }]);
      expect(reads).toBe(1);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("rows of a kept statement, built from raw values", () => {
  // The same statements on a connection as better-sqlite3 opened it, to compare with.
  const open = () => {
    const kit = reusePreparedStatements(new Database(":memory:"));
    const plain = new Database(":memory:");
    for (const conn of [kit, plain]) {
      conn.exec("create table t (id integer primary key, name text, price real, data blob, note text)");
      const insert = conn.prepare("insert into t values (?, ?, ?, ?, ?)");
      insert.run(1, "a", 1.5, Buffer.from([1, 2]), null);
      insert.run(2, "b", -0.25, null, "x");
      insert.run(9007199254740993n, "c", 0, Buffer.alloc(0), "");
    }
    return { kit, plain, close: () => (kit.close(), plain.close()) };
  };
  // Own properties in order, and the prototype (which a `__proto__` column may set).
  const described = (rows: unknown[]) => rows.map((row) => ({ prototype: Object.getPrototypeOf(row) as unknown, properties: Object.entries(row as object) }));
  const same = (kit: unknown[], plain: unknown[]) => {
    expect(kit).toHaveLength(plain.length);
    expect(described(kit)).toEqual(described(plain));
  };

  it("are better-sqlite3's objects: same keys in the same order, the later of equal names winning, its prototype for __proto__", () => {
    const { kit, plain, close } = open();
    const queries: [string, unknown[]][] = [
      ["select * from t order by id", []],
      ["select note, id, name from t where id > ? order by id desc", [1]],
      ["select id, name as id, price, 7 as price from t order by id", []],
      ['select id as "2", name as "1", price as "b", note as "a" from t order by id', []],
      ['select name as "__proto__", id from t order by id', []],
      ['select data as "__proto__", id from t order by id', []],
      ['select null as "__proto__", id from t order by id', []],
      ["select * from t where id < 0", []],
    ];
    for (const [sql, params] of queries) {
      same(kit.prepare(sql).all(...params) as unknown[], plain.prepare(sql).all(...params) as unknown[]);
      // Again, with the builder made on the first run.
      same(kit.prepare(sql).all(...params) as unknown[], plain.prepare(sql).all(...params) as unknown[]);
    }
    const big = "select id from t order by id";
    expect(kit.prepare(big).safeIntegers(true).all()).toEqual(plain.prepare(big).safeIntegers(true).all());
    expect(kit.prepare(big).safeIntegers(false).all()).toEqual(plain.prepare(big).safeIntegers(false).all());
    close();
  });

  it("leave get, iterate and the pluck, expand and raw modes to better-sqlite3, and fail as it does", () => {
    const { kit, plain, close } = open();
    const sql = "select id, name from t order by id";
    const both = [kit.prepare(sql), plain.prepare(sql)];
    const each = (read: (s: Database.Statement) => unknown) => expect(read(both[0])).toEqual(read(both[1]));
    each((s) => s.get());
    each((s) => [...s.iterate()]);
    each((s) => s.pluck().all());
    each((s) => s.get());
    each((s) => s.raw(false).all()); // raw off leaves pluck on
    each((s) => s.pluck(false).all());
    each((s) => s.expand().all());
    each((s) => s.raw().all());
    each((s) => s.expand(false).all()); // expand off leaves raw on
    each((s) => [...s.raw(false).iterate()]);
    each((s) => s.all());
    expect(() => both[0].raw(1 as unknown as boolean)).toThrow(catching(() => both[1].raw(1 as unknown as boolean)).message);
    each((s) => s.all());
    // A statement that returns no data, and one given too few values: the same errors, the statement fine after.
    const write = "update t set note = ? where id = ?";
    expect(() => kit.prepare(write).all("y", 1)).toThrow(catching(() => plain.prepare(write).all("y", 1)).message);
    const byId = "select name from t where id = ?";
    expect(() => kit.prepare(byId).all()).toThrow(catching(() => plain.prepare(byId).all()).message);
    same(kit.prepare(byId).all(2), plain.prepare(byId).all(2));
    // While a statement is being iterated: another reads as before, itself refuses as before.
    const iterators = both.map((s) => s.iterate());
    for (const iterator of iterators) iterator.next();
    same(kit.prepare(byId).all(1), plain.prepare(byId).all(1));
    expect(() => both[0].all()).toThrow(catching(() => both[1].all()).message);
    for (const iterator of iterators) iterator.return!();
    each((s) => s.all());
    close();
  });

  it("read the new names after this connection changes the schema", () => {
    const { kit, close } = open();
    const all = "select * from t where id = 1";
    expect(kit.prepare(all).all()).toEqual([{ id: 1, name: "a", price: 1.5, data: Buffer.from([1, 2]), note: null }]);
    kit.prepare("alter table t rename column note to remark").run();
    expect(kit.prepare(all).all()).toEqual([{ id: 1, name: "a", price: 1.5, data: Buffer.from([1, 2]), remark: null }]);
    kit.exec("alter table t rename column remark to comment");
    expect(kit.prepare(all).all()).toEqual([{ id: 1, name: "a", price: 1.5, data: Buffer.from([1, 2]), comment: null }]);
    kit.prepare("begin").run();
    kit.prepare("alter table t rename column comment to memo").run();
    expect(kit.prepare(all).all()).toEqual([{ id: 1, name: "a", price: 1.5, data: Buffer.from([1, 2]), memo: null }]);
    kit.prepare("rollback").run();
    expect(kit.prepare(all).all()).toEqual([{ id: 1, name: "a", price: 1.5, data: Buffer.from([1, 2]), comment: null }]);
    close();
  });

  it("read a row's new columns after another connection adds one", () => {
    const dir = mkdtempSync(join(tmpdir(), "cg-statements-"));
    const kit = reusePreparedStatements(new Database(join(dir, "silo.sqlite")));
    const other = new Database(join(dir, "silo.sqlite"));
    try {
      kit.exec("create table t (id integer, name text); insert into t values (1, 'a')");
      const all = "select * from t";
      expect(kit.prepare(all).all()).toEqual([{ id: 1, name: "a" }]);
      other.exec("alter table t add column extra integer default 4");
      expect(kit.prepare(all).all()).toEqual([{ id: 1, name: "a", extra: 4 }]);
    } finally {
      kit.close();
      other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function catching(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("did not throw");
}
