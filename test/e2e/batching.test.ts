import { type InProcessGraph, startInProcessGraph } from "../support/in-process";
import { countStatements } from "../support/silo";
import { CUSTOMERS_360 } from "./queries";

/**
 * The gateway and all four subgraphs in this process (so every silo's knex
 * `query` event can be counted), over HTTP on loopback as in production.
 * Once with the gateway's fetch sharing off, so the units' own batching is
 * what is counted (exactly the same statements for 10 and for 50 customers),
 * once with it on (gateway/subgraph-calls/calls.ts): merging fetches may let a unit's
 * loaders batch across them, never add a statement.
 */
type Counts = Map<number, Record<string, number>>;

/** The units' outbox tables (evt_outbox, promo_event_outbox, rt_event_outbox, guest_event_out). */
const OUTBOX = /\b\w*(outbox|event_out)\b/i;

async function statementsFor(graph: InProcessGraph): Promise<Counts> {
  const perSize: Counts = new Map();
  // Ten customers already reach every path of the view (a single one may have no invoice line with a product),
  // so from there on a statement more would be a statement per entity.
  for (const first of [10, 50]) {
    // Each unit's relay polls its outbox meanwhile (every 250 ms): not part of answering the view.
    const counters = [...graph.dbs].map(([name, db]) => [name, countStatements(db, OUTBOX)] as const);
    const res = await graph.post({ query: CUSTOMERS_360, variables: { text: "@example.com", first } });
    const body = res.body as { data: { searchCustomers: unknown[] }; errors?: unknown[] };
    for (const [, c] of counters) c.stop();
    expect(body.errors).toBeUndefined();
    expect(body.data.searchCustomers).toHaveLength(first);
    perSize.set(first, Object.fromEntries(counters.map(([name, c]) => [name, c.count])));
  }
  return perSize;
}

const render = (title: string, perSize: Counts) =>
  `${title}\n${[...perSize]
    .map(
      ([n, counts]) =>
        `${String(n).padStart(3)} customers: ${Object.entries(counts)
          .map(([u, c]) => `${u}=${c}`)
          .join(" ")} total=${Object.values(counts).reduce((a, b) => a + b, 0)}`,
    )
    .join("\n")}\n`;

describe("batching across the graph", () => {
  let unshared: Counts;

  describe("with the gateway's fetch sharing off", () => {
    let graph: InProcessGraph;
    beforeAll(async () => {
      graph = await startInProcessGraph({}, { sharing: { batch: false, dedupe: false } });
    }, 60_000);
    afterAll(() => graph?.stop());

    it("runs the same number of SQL statements for the 360° view of 10 and of 50 customers", async () => {
      unshared = await statementsFor(graph);
      process.stdout.write(render("SQL statements for the 360° view (fetch sharing off)", unshared));
      expect(unshared.get(50)).toEqual(unshared.get(10));
    });
  });

  describe("with it on (the default)", () => {
    let graph: InProcessGraph;
    beforeAll(async () => {
      graph = await startInProcessGraph();
    }, 60_000);
    afterAll(() => graph?.stop());

    it("runs no more statements in any unit than without it", async () => {
      const shared = await statementsFor(graph);
      process.stdout.write(render("SQL statements for the 360° view (fetch sharing on)", shared));
      for (const [size, counts] of shared) {
        for (const [unit, n] of Object.entries(counts)) expect({ size, unit, n: Math.min(n, unshared.get(size)![unit]) }).toEqual({ size, unit, n });
      }
    });
  });
});
