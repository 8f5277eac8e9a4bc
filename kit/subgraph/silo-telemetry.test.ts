import knex from "knex";
import { Registry } from "prom-client";
import { attributeRepositories, observeSilo, siloScope } from "./silo-telemetry";
import { createProcessMetrics } from "../metrics";
import { httpObserver, requestOf } from "../observe";
import { parsePrometheusText } from "../../test/support/prometheus";

class WidgetRepository {
  constructor(private readonly db: knex.Knex) {}

  async byIds(ids: string[]) {
    return this.rows(await this.db("widget").whereIn("id", ids));
  }

  async broken() {
    return this.db.raw("select * from no_such_table");
  }

  private rows(rows: { id: string }[]) {
    return rows.map((r) => r.id);
  }
}

describe("silo telemetry", () => {
  const db = knex({ client: "better-sqlite3", connection: { filename: ":memory:" }, useNullAsDefault: true });
  const registry = new Registry();
  observeSilo(db, "test", registry);
  const repos = attributeRepositories({ widgets: new WidgetRepository(db) });

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

  it("adds the statements to the request they ran for", async () => {
    const metrics = createProcessMetrics();
    const observer = httpObserver({ name: "test", metrics, logger: { info() {}, warn() {}, error() {} }, continueTrace: true, scope: siloScope });
    const res = { once() {}, statusCode: 200 } as never;
    await observer.observe({ headers: {} } as never, res, "req-1", async () => {
      await repos.widgets.byIds(["a"]);
      await repos.widgets.byIds(["b"]);
    });
    await db.raw("select 1"); // outside the request
    expect(requestOf(res)?.timings?.sql).toMatchObject({ count: 2 });
  });

  it("reports the pool at scrape time", async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/subgraph_db_pool_used_connections 0/);
    expect(text).toMatch(/subgraph_db_pool_free_connections 1/);
    expect(text).toMatch(/subgraph_db_pool_pending_acquires 0/);
  });
});
