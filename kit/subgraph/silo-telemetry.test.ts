import knex from "knex";
import { Registry } from "prom-client";
import { attributeRepositories, observeSilo, requestRepositories } from "./silo-telemetry";
import { createProcessMetrics } from "../metrics";
import { httpObserver, linkContext, requestOf } from "../observe";
import { parsePrometheusText } from "../../test/support/prometheus";

class WidgetRepository {
  constructor(private readonly db: knex.Knex) {}

  async byIds(ids: string[]) {
    return this.rows(await this.db("widget").whereIn("id", ids));
  }

  async broken() {
    return this.db.raw("select * from no_such_table");
  }

  /** Statements built after an await, and in a transaction begun after one. */
  async countThenWrite(id: string, pause: () => Promise<void>) {
    await pause();
    const [{ n }] = await this.db("widget").count({ n: "*" });
    await pause();
    await this.db.transaction(async (trx) => {
      await trx("widget").insert({ id });
      await pause();
      await trx("widget").where({ id }).delete();
    });
    return Number(n);
  }

  private rows(rows: { id: string }[]) {
    return rows.map((r) => r.id);
  }
}

/** Holds another repository, as a unit's redeemer holds its offers and redemptions. */
class WidgetCounter {
  constructor(private readonly widgets: WidgetRepository) {}

  async twice(pause: () => Promise<void>) {
    const first = await this.widgets.byIds(["a"]);
    await pause();
    return [...first, ...(await this.widgets.byIds(["b"]))];
  }
}

describe("silo telemetry", () => {
  const db = knex({ client: "better-sqlite3", connection: { filename: ":memory:" }, useNullAsDefault: true });
  const registry = new Registry();
  observeSilo(db, "test", registry);
  const widgets = new WidgetRepository(db);
  const repos = attributeRepositories({ widgets, counter: new WidgetCounter(widgets), limit: 3 });

  beforeAll(async () => {
    await db.schema.createTable("widget", (t) => t.string("id").primary());
    await db("widget").insert([{ id: "a" }, { id: "b" }]);
  });
  afterAll(() => db.destroy());

  const count = async (labels: Record<string, string>) => parsePrometheusText(await registry.metrics()).sum("subgraph_sql_duration_seconds_count", labels);

  it("counts statements by the repository method that ran them; helpers count toward it", async () => {
    expect(await repos.widgets.byIds(["a", "b"])).toEqual(["a", "b"]);
    expect(repos.widgets).toBeInstanceOf(WidgetRepository);
    expect(await count({ method: "widgets.byIds", outcome: "ok" })).toBe(1);
    expect(await count({ method: "widgets.rows" })).toBe(0);
  });

  it("counts failed statements as errors, and statements outside repositories as unattributed", async () => {
    // (Not toThrow: better-sqlite3's error class may come from another test file's realm.)
    await expect(repos.widgets.broken()).rejects.toMatchObject({ message: expect.stringMatching(/no such table/) });
    expect(await count({ method: "widgets.broken", outcome: "error" })).toBe(1);
    await db.raw("select 1");
    expect(await count({ method: "unattributed", outcome: "ok" })).toBeGreaterThanOrEqual(1);
  });

  /** A request observed as the unit's HTTP front observes it, its context linked to its record. */
  const observer = httpObserver({ name: "test", metrics: createProcessMetrics(), logger: { info() {}, warn() {}, error() {} }, continueTrace: true });
  const observed = (id: string, run: (view: typeof repos) => Promise<void>) => {
    const res = { once() {}, statusCode: 200 } as never;
    const context = {};
    const done = observer.observe({ headers: {} } as never, res, id, async () => {
      linkContext(res, context);
      await run(requestRepositories(repos, context));
    });
    return { done, timings: () => requestOf(res)?.timings };
  };

  it("adds the statements to the request they ran for", async () => {
    const request = observed("req-1", async (view) => {
      await view.widgets.byIds(["a"]);
      await view.widgets.byIds(["b"]);
    });
    await request.done;
    await repos.widgets.byIds(["a"]); // the unit's repositories, outside any request
    await db.raw("select 1"); // outside the request
    expect(request.timings()?.sql).toMatchObject({ count: 2 });
  });

  it("keeps two interleaved requests' statements apart, awaits and transactions included", async () => {
    // Each step of one request waits for a step of the other: their statements alternate.
    let turn = Promise.resolve();
    const pause = () => (turn = turn.then(() => new Promise<void>((resolve) => setImmediate(resolve))));
    const writes = await count({ method: "widgets.countThenWrite", outcome: "ok" });
    const twice = await count({ method: "counter.twice", outcome: "ok" });
    const one = observed("req-a", async (view) => {
      expect(await view.widgets.countThenWrite("x", pause)).toBe(2);
    });
    const other = observed("req-b", async (view) => {
      expect(await view.counter.twice(pause)).toEqual(["a", "b"]);
      expect(await view.widgets.countThenWrite("y", pause)).toBe(2);
    });
    await Promise.all([one.done, other.done]);
    // count, insert, delete (BEGIN and COMMIT are not statements of the silo's data)
    expect(one.timings()?.sql).toMatchObject({ count: 3 });
    // two reads by the holder, then count, insert, delete
    expect(other.timings()?.sql).toMatchObject({ count: 5 });
    expect((await count({ method: "widgets.countThenWrite", outcome: "ok" })) - writes).toBe(6);
    // The held repository's statements count toward the holder's method.
    expect((await count({ method: "counter.twice", outcome: "ok" })) - twice).toBe(2);
  });

  it("leaves what is not a repository as it is", () => {
    expect(repos.limit).toBe(3);
    expect(requestRepositories(repos, {}).limit).toBe(3);
    expect(requestRepositories(repos, {}).widgets).toBeInstanceOf(WidgetRepository);
  });

  it("reports the pool at scrape time", async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/subgraph_db_pool_used_connections 0/);
    expect(text).toMatch(/subgraph_db_pool_free_connections 1/);
    expect(text).toMatch(/subgraph_db_pool_pending_acquires 0/);
  });
});
