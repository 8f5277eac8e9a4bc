import { loadGatewayConfig } from "../../gateway/config";
import { mintToken } from "../../gateway/admission/token";
import type { Role } from "../../kit/identity";
import { parsePrometheusText } from "../support/prometheus";
import { type Stack, startStack } from "../support/stack";

/**
 * Demand control after the fact: `x-cost: 1` gives each operation's
 * estimated and actual cost against the caller's budget, the metrics carry
 * both for every operation, and explain stays closed to customers in
 * production while their cost does not.
 */
const SIGNING = "cost-test-signing-secret-not-the-default";
const PRODUCTION = { NODE_ENV: "production", GRAPH_SIGNING_SECRET: SIGNING, GATEWAY_JWT_SECRET: "cost-test-jwt-secret-not-the-default" };

const ORDERS = `query CostOfOrders { customer(id: "C000001") { name orders(first: 20) { id lines { quantity } } } }`;

describe("the cost of an operation, estimated and actual", () => {
  let stack: Stack;
  beforeAll(async () => {
    // One signing secret for all, so a production gateway can ask the same units.
    stack = await startStack({ env: { GATEWAY_LOG_LEVEL: "error", GRAPH_SIGNING_SECRET: SIGNING } });
  }, 120_000);
  afterAll(() => stack?.stop());

  it("answers `x-cost: 1` with the estimate, the cost of what came back, the budget and the role", async () => {
    const res = await stack.post({ query: ORDERS }, { "x-cost": "1" });
    expect(res.body.errors).toBeUndefined();
    const orders: { lines: unknown[] }[] = res.body.data.customer.orders;
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.length).toBeLessThan(20);
    // The estimate: the customer, 20 orders (`first`) of 10 lines each (what retail assumes).
    // The actual: the customer, and each order and line that came back.
    expect(res.body.extensions.cost).toEqual({ estimated: 1 + 20 * (1 + 10), actual: 1 + orders.length + orders.reduce((n, o) => n + o.lines.length, 0), budget: 50000, role: "agent" });

    const anonymous = await stack.post({ query: `{ products(first: 50, category: "Books") { items { sku } } }` }, { authorization: "", "x-channel": "WEB", "x-cost": "1" });
    const items = anonymous.body.data.products.items.length;
    expect(items).toBeLessThan(50);
    expect(anonymous.body.extensions.cost).toEqual({ estimated: 1 + 50, actual: 1 + items, budget: 1000, role: "anonymous" });
    // Diagnostics of one run: never for a shared cache.
    expect(anonymous.headers.get("cache-control")).toBe("private, no-store");
    expect(anonymous.headers.get("vary")).toMatch(/X-Cost/);
  });

  it("is absent unless asked", async () => {
    const res = await stack.post({ query: `{ products(first: 2) { items { sku } } }` }, { authorization: "", "x-channel": "WEB" });
    expect(res.body.extensions?.cost).toBeUndefined();
    expect(res.headers.get("cache-control")).toMatch(/^public/);
  });

  it("records the estimated and actual cost of every operation by name and role, and refusals by role", async () => {
    const metrics = async () => parsePrometheusText(await (await fetch(stack.gatewayUrl.replace(/\/graphql$/, "/metrics"))).text());
    const before = await metrics();
    const answers = await Promise.all([1, 2, 3].map(() => stack.post({ query: ORDERS })));
    const actual = answers.map((a) => 1 + a.body.data.customer.orders.length + a.body.data.customer.orders.reduce((n: number, o: { lines: unknown[] }) => n + o.lines.length, 0));
    const refused = await stack.post({ query: `{ products(first: 1000) { items { sku } } }` }, { authorization: "", "x-channel": "WEB" });
    expect(refused.body.errors[0].extensions.code).toBe("MAX_COST_EXCEEDED");

    const after = await metrics();
    const grew = (name: string, labels: Record<string, string>) => after.sum(name, labels) - before.sum(name, labels);
    const labels = { operation: "CostOfOrders", role: "agent" };
    expect(grew("gateway_operation_cost_estimated_count", labels)).toBe(3);
    expect(grew("gateway_operation_cost_estimated_sum", labels)).toBe(3 * 221);
    expect(grew("gateway_operation_cost_actual_sum", labels)).toBe(actual.reduce((a, b) => a + b, 0));
    expect(grew("gateway_operation_cost_refusals_total", { role: "anonymous" })).toBe(1);
    // The refused operation ran not, so it has no cost to compare.
    expect(grew("gateway_operation_cost_estimated_count", { role: "anonymous" })).toBe(0);
  });

  it("in production, gives a customer their cost but never explain; an agent gets both", async () => {
    const url = await stack.startGateway("production-gateway", PRODUCTION);
    const config = loadGatewayConfig(PRODUCTION);
    const ask = async (role: Role, sub: string, query: string) => {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${await mintToken(config, { role, sub })}`, "x-explain": "1", "x-cost": "1" }, body: JSON.stringify({ query }) });
      return (await res.json()) as { data: any; errors?: unknown[]; extensions?: { explain?: unknown; cost?: { role: string } } };
    };
    const customer = await ask("customer", "C000001", `{ me { name stayCount } }`);
    expect(customer.errors).toBeUndefined();
    expect(customer.data.me.name).toBeTruthy();
    expect(customer.extensions?.explain).toBeUndefined();
    expect(customer.extensions?.cost).toMatchObject({ role: "customer", budget: 3000, estimated: 1, actual: 1 });

    const agent = await ask("agent", "agent-7", `{ customer(id: "C000001") { name stayCount } }`);
    expect(agent.data.customer.name).toBeTruthy();
    expect(agent.extensions?.explain).toMatchObject({ fetches: expect.arrayContaining([expect.objectContaining({ unit: "bookings", outcome: "ok" })]) });
    expect(agent.extensions?.cost).toMatchObject({ role: "agent" });
  });
});
