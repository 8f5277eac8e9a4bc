import type { Knex } from "knex";
import { loadGatewayConfig } from "../../gateway/config";
import { createGateway } from "../../gateway/server";
import type { RunningServer } from "../../kit";
import { loadUnit, readManifest } from "../../scripts/manifest";
import { mintToken } from "../../gateway/token";
import { countStatements, tempSiloDir } from "../support/silo";
import { CUSTOMERS_360 } from "./queries";

/**
 * The gateway and all four subgraphs in this process (so every silo's knex
 * `query` event can be counted), over HTTP on loopback as in production.
 */
describe("batching across the graph", () => {
  const silo = tempSiloDir();
  const servers: RunningServer[] = [];
  const dbs = new Map<string, Knex>();
  let gatewayUrl = "";
  let authorization = "";

  beforeAll(async () => {
    const env: Record<string, string> = { GATEWAY_PORT: "0", GATEWAY_LOG_LEVEL: "error" };
    for (const { name } of readManifest()) {
      const unit = loadUnit(name);
      const key = name.toUpperCase();
      const { subgraph, db } = await unit.create(unit.loadConfig({ [`${key}_DB_URL`]: silo.url(name), [`${key}_PORT`]: "0" }));
      const running = await subgraph.listen(0);
      servers.push(running);
      dbs.set(name, db);
      env[`SUBGRAPH_${key}_URL`] = running.url;
    }
    const config = loadGatewayConfig(env);
    authorization = `Bearer ${await mintToken(config, { role: "agent", sub: "batching-test" })}`;
    const gateway = await (await createGateway(config)).listen();
    servers.push(gateway);
    gatewayUrl = gateway.url;
  }, 60_000);

  afterAll(async () => {
    for (const s of servers.reverse()) await s.close(1000);
    for (const db of dbs.values()) await db.destroy();
    silo.cleanup();
  });

  it("runs the same number of SQL statements for the 360° view of 1 and of 50 customers", async () => {
    const perSize = new Map<number, Record<string, number>>();
    for (const first of [1, 50]) {
      const counters = [...dbs].map(([name, db]) => [name, countStatements(db)] as const);
      const res = await fetch(gatewayUrl, { method: "POST", headers: { "content-type": "application/json", authorization }, body: JSON.stringify({ query: CUSTOMERS_360, variables: { text: "@example.com", first } }) });
      const body = (await res.json()) as { data: { searchCustomers: unknown[] }; errors?: unknown[] };
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
