import { stopAll } from "../../scripts/supervisor";
import { readManifest } from "../../scripts/manifest";
import { type Exposition, parsePrometheusText } from "../support/prometheus";
import { type Stack, startStack } from "../support/stack";
import { CUSTOMER_360 } from "./queries";

const UNITS = readManifest().map((u) => u.name);

/**
 * What an operator sees of real processes: the request log lines that one
 * request id ties together, and each process's /metrics page.
 */
describe("operating the graph (five real processes)", () => {
  let stack: Stack;
  const metricsOf = async (graphqlUrl: string): Promise<Exposition> => {
    const res = await fetch(graphqlUrl.replace(/\/graphql$/, "/metrics"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await res.text());
  };
  const logLines = (name: string) =>
    (stack.logs.get(name) ?? []).flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, any>];
      } catch {
        return [];
      }
    });

  beforeAll(async () => {
    const levels = Object.fromEntries(UNITS.map((u) => [`${u.toUpperCase()}_LOG_LEVEL`, "info"]));
    stack = await startStack({ env: { GATEWAY_LOG_LEVEL: "info", ...levels } });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("ties a request together by the client's request id: response header, gateway log line, every unit's log line", async () => {
    const requestId = "ops-test-0001";
    const customerToken = await stack.token("customer", "C000001");
    const res = await stack.post({ query: CUSTOMER_360, variables: { id: "C000001" } }, { "x-request-id": requestId, authorization: `Bearer ${customerToken}` });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.headers.get("x-request-id")).toBe(requestId);

    const line = await eventually(() => logLines("gateway").find((l) => l.requestId === requestId));
    expect(line).toMatchObject({ level: "info", name: "gateway", msg: "request", operation: "Customer360", status: 200, outcome: "ok" });
    expect(line.ms).toBeGreaterThan(0);
    expect(Object.keys(line.timings).sort()).toEqual([...UNITS].sort());
    for (const unit of UNITS) {
      const unitLines = await eventually(() => {
        const found = logLines(unit).filter((l) => l.requestId === requestId);
        return found.length > 0 ? found : undefined;
      });
      expect(unitLines[0]).toMatchObject({ name: unit, msg: "request", outcome: "ok", operation: expect.stringMatching(/^Customer360__/) });
      expect(unitLines[0].timings.sql.count).toBeGreaterThan(0);
    }
    // No credentials and no variables in any process's log.
    const all = [...stack.logs.values()].flat().join("\n");
    expect(all).not.toContain(customerToken);
    expect(all).not.toMatch(/"variables"|"authorization"/i);
  });

  it("logs a refused request with its code, and makes up a request id when the client sends none", async () => {
    const res = await stack.post({ query: '{ product(sku: "SKU-0001") { name } }' }, { authorization: "Bearer not-a-token" });
    expect(res.status).toBe(401);
    const requestId = res.headers.get("x-request-id")!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const line = await eventually(() => logLines("gateway").find((l) => l.requestId === requestId));
    expect(line).toMatchObject({ status: 401, outcome: "rejected", errors: ["UNAUTHENTICATED"] });
    expect(JSON.stringify(line)).not.toContain("not-a-token");
  });

  it("serves Prometheus metrics on the gateway: requests by operation, fetches by subgraph, plan cache hits", async () => {
    await stack.query(CUSTOMER_360, { id: "C000002" }); // planned before: a cache hit
    const m = await eventuallyAsync(async () => {
      const page = await metricsOf(stack.gatewayUrl);
      return page.sum("graphql_request_duration_seconds_count", { operation: "Customer360", outcome: "ok" }) >= 2 ? page : undefined;
    });
    expect(m.types.get("graphql_request_duration_seconds")).toBe("histogram");
    expect(m.sum("graphql_request_duration_seconds_count", { operation: "anonymous", outcome: "rejected" })).toBeGreaterThanOrEqual(1);
    for (const unit of UNITS) expect(m.sum("gateway_subgraph_fetch_duration_seconds_count", { subgraph: unit, outcome: "ok" })).toBeGreaterThanOrEqual(2);
    expect(new Set(m.find("gateway_subgraph_fetch_duration_seconds_count").map((s) => s.labels.subgraph))).toEqual(new Set(UNITS));
    expect(m.sum("gateway_query_plan_cache_lookups_total", { result: "miss" })).toBeGreaterThanOrEqual(1);
    expect(m.sum("gateway_query_plan_cache_lookups_total", { result: "hit" })).toBeGreaterThanOrEqual(1);
    expect(m.sum("gateway_query_planning_duration_seconds_count")).toBe(m.sum("gateway_query_plan_cache_lookups_total", { result: "miss" }));
    expect(m.find("process_cpu_user_seconds_total")).toHaveLength(1);
    expect(m.find("nodejs_eventloop_lag_seconds")).toHaveLength(1);
  });

  it("serves Prometheus metrics on each unit: requests, SQL by repository method, pool usage", async () => {
    for (const unit of UNITS) {
      const m = await metricsOf(stack.unitUrls.get(unit)!);
      // The gateway's fetches are counted under the client's operation name (a request's fetches to
      // one unit may go out merged, gateway/subgraph-calls/calls.ts: at least one request each).
      expect(m.sum("graphql_request_duration_seconds_count", { operation: "Customer360", outcome: "ok" })).toBeGreaterThanOrEqual(1);
      const methods = m.find("subgraph_sql_duration_seconds_count", { outcome: "ok" }).map((s) => s.labels.method);
      expect(methods.filter((method) => /^[a-z]\w*\.[a-z]\w*$/i.test(method)).length).toBeGreaterThan(0);
      for (const gauge of ["subgraph_db_pool_used_connections", "subgraph_db_pool_free_connections", "subgraph_db_pool_pending_acquires"]) {
        expect(m.types.get(gauge)).toBe("gauge");
        expect(m.find(gauge)).toHaveLength(1);
      }
      // No ids or query text in any label.
      for (const sample of m.samples) for (const value of Object.values(sample.labels)) expect(value).not.toMatch(/C0000|SKU-|select|\{/i);
    }
  });

  it("counts a fetch to a unit that is down as unavailable", async () => {
    await stopAll([stack.procs.get("retail")!]);
    const { errors } = await stack.query(`{ product(sku: "SKU-0001") { name } }`);
    expect(errors?.[0].extensions).toMatchObject({ code: "UNAVAILABLE", unit: "retail" });
    const m = await metricsOf(stack.gatewayUrl);
    expect(m.sum("gateway_subgraph_fetch_errors_total", { subgraph: "retail", outcome: "unavailable" })).toBeGreaterThanOrEqual(1);
    expect(m.sum("gateway_subgraph_fetch_duration_seconds_count", { subgraph: "retail", outcome: "unavailable" })).toBeGreaterThanOrEqual(1);
  });
});

/** A process writes its request line when the response is closed, a moment after the client has it. */
async function eventually<T>(find: () => T | undefined, timeoutMs = 3000): Promise<T> {
  return eventuallyAsync(async () => find(), timeoutMs);
}

async function eventuallyAsync<T>(find: () => Promise<T | undefined>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error("not seen in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
