import { type InProcessGraph, startInProcessGraph } from "../support/in-process";
import { countStatements } from "../support/silo";
import { CUSTOMERS_360 } from "./queries";

/**
 * The gateway and all four subgraphs in this process (so every silo's knex
 * `query` event can be counted), over HTTP on loopback as in production.
 */
describe("batching across the graph", () => {
  let graph: InProcessGraph;

  beforeAll(async () => {
    graph = await startInProcessGraph();
  }, 60_000);

  afterAll(async () => {
    await graph?.stop();
  });

  it("runs the same number of SQL statements for the 360° view of 1 and of 50 customers", async () => {
    const perSize = new Map<number, Record<string, number>>();
    for (const first of [1, 50]) {
      const counters = [...graph.dbs].map(([name, db]) => [name, countStatements(db)] as const);
      const res = await graph.post({ query: CUSTOMERS_360, variables: { text: "@example.com", first } });
      const body = res.body as { data: { searchCustomers: unknown[] }; errors?: unknown[] };
      for (const [, c] of counters) c.stop();
      expect(body.errors).toBeUndefined();
      expect(body.data.searchCustomers).toHaveLength(first);
      perSize.set(first, Object.fromEntries(counters.map(([name, c]) => [name, c.count])));
    }
    const table = [...perSize].map(([n, counts]) => `${String(n).padStart(3)} customers: ${Object.entries(counts).map(([u, c]) => `${u}=${c}`).join(" ")} total=${Object.values(counts).reduce((a, b) => a + b, 0)}`);
    process.stdout.write(`SQL statements for the 360° view\n${table.join("\n")}\n`);
    expect(perSize.get(50)).toEqual(perSize.get(1));
  });
});
