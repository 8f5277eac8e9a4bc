import { Registry } from "prom-client";
import { OperationLabels, createProcessMetrics } from "../../kit/metrics";
import { httpObserver, linkContext, requestOf } from "../../kit/observe";
import { parsePrometheusText } from "../../test/support/prometheus";
import { PlanCache } from "../planning/planner";
import { badStatus, circuitOpen, timedOut } from "../subgraph-calls/failures";
import { costMetrics, planCacheMetrics, outcomeOfFailure, outcomeOfResponse, recordFetch, registerBreakerStates, registerGatewayMetrics } from "./metrics";

const value = async (registry: Registry, name: string, labels: Record<string, string> = {}) => parsePrometheusText(await registry.metrics()).sum(name, labels);

describe("gateway metrics", () => {
  it("records each operation's estimated and actual cost by operation and role, and refusals by role", async () => {
    const registry = new Registry();
    const cost = costMetrics(registry, new OperationLabels());
    cost.measured("Customer360", "agent", 43, 30);
    cost.measured("Customer360", "agent", 43, 40);
    cost.measured(null, "anonymous", 12, 12);
    cost.refused("anonymous");
    expect(await value(registry, "gateway_operation_cost_estimated_sum", { operation: "Customer360", role: "agent" })).toBe(86);
    expect(await value(registry, "gateway_operation_cost_actual_sum", { operation: "Customer360", role: "agent" })).toBe(70);
    expect(await value(registry, "gateway_operation_cost_actual_count", { operation: "anonymous", role: "anonymous" })).toBe(1);
    expect(await value(registry, "gateway_operation_cost_actual_bucket", { operation: "Customer360", le: "25" })).toBe(0);
    expect(await value(registry, "gateway_operation_cost_actual_bucket", { operation: "Customer360", le: "50" })).toBe(2);
    expect(await value(registry, "gateway_operation_cost_refusals_total", { role: "anonymous" })).toBe(1);
  });

  it("counts plan cache hits and misses, and times planning after a miss", async () => {
    const registry = new Registry();
    const plans = new PlanCache({ name: "hive", plan: () => ({ planner: "hive", node: null }) }, 10, planCacheMetrics(registry));
    const request = () => ({}) as never;
    expect(plans.get("q", request)).toEqual({ planner: "hive", node: null });
    expect(plans.get("q", request)).toEqual({ planner: "hive", node: null });
    expect(await value(registry, "gateway_query_plan_cache_lookups_total", { result: "miss" })).toBe(1);
    expect(await value(registry, "gateway_query_plan_cache_lookups_total", { result: "hit" })).toBe(1);
    expect(await value(registry, "gateway_query_planning_duration_seconds_count")).toBe(1);
  });

  it("records a fetch in its request's metrics and log-line timings; for a context of no request, nowhere", async () => {
    const metrics = createProcessMetrics();
    registerGatewayMetrics(metrics.registry);
    recordFetch({}, "billing", 5, "ok");
    expect(await value(metrics.registry, "gateway_subgraph_fetch_duration_seconds_count")).toBe(0);

    const observer = httpObserver({ name: "gateway", metrics, logger: { info() {}, warn() {}, error() {} }, continueTrace: false });
    const res = { once() {}, statusCode: 200 } as never;
    const context = {};
    await observer.observe({ headers: {} } as never, res, "r", async () => {
      linkContext(res, context);
      recordFetch(context, "billing", 5, "ok");
      recordFetch(context, "retail", 7, "timeout");
    });
    expect(await value(metrics.registry, "gateway_subgraph_fetch_duration_seconds_count", { subgraph: "billing", outcome: "ok" })).toBe(1);
    expect(await value(metrics.registry, "gateway_subgraph_fetch_errors_total", { subgraph: "retail", outcome: "timeout" })).toBe(1);
    expect(await value(metrics.registry, "gateway_subgraph_fetch_errors_total", { subgraph: "billing" })).toBe(0);
    expect(requestOf(context)?.timings).toEqual({ billing: { count: 1, ms: 5 }, retail: { count: 1, ms: 7 } });
  });

  it("tells a unit's own faults from answers that happen to be errors", () => {
    expect(outcomeOfResponse(undefined)).toBe("ok");
    expect(outcomeOfResponse([{ extensions: { code: "FORBIDDEN" } }, { extensions: { code: "NOT_FOUND" } }])).toBe("ok");
    expect(outcomeOfResponse([{ extensions: { code: "SILO_DATA_INVALID" } }])).toBe("error");
    expect(outcomeOfResponse([{}])).toBe("error");
    expect(outcomeOfFailure({ extensions: { code: "TIMEOUT" } })).toBe("timeout");
    expect(outcomeOfFailure({ extensions: { code: "UNAVAILABLE" } })).toBe("unavailable");
    expect(outcomeOfFailure(new TypeError("fetch failed"))).toBe("unavailable");
  });
});

describe("breaker states in the metrics", () => {
  it("reads each unit's breaker at every scrape, 1 for its state", async () => {
    const registry = new Registry();
    const states = new Map<string, "closed" | "open" | "half-open">([
      ["billing", "closed"],
      ["retail", "open"],
    ]);
    registerBreakerStates(registry, () => states);
    expect(await value(registry, "gateway_subgraph_breaker_state", { subgraph: "retail", state: "open" })).toBe(1);
    expect(await value(registry, "gateway_subgraph_breaker_state", { subgraph: "retail", state: "closed" })).toBe(0);
    expect(await value(registry, "gateway_subgraph_breaker_state", { subgraph: "billing", state: "closed" })).toBe(1);
    states.set("retail", "half-open");
    expect(await value(registry, "gateway_subgraph_breaker_state", { subgraph: "retail", state: "half-open" })).toBe(1);
    expect(await value(registry, "gateway_subgraph_breaker_state", { subgraph: "retail", state: "open" })).toBe(0);
  });

  it("names the outcome of each failure of the call chain", () => {
    expect(outcomeOfFailure(circuitOpen("retail"))).toBe("circuit_open");
    expect(outcomeOfFailure(badStatus("retail", 401))).toBe("refused");
    expect(outcomeOfFailure(badStatus("retail", 503))).toBe("unavailable");
    expect(outcomeOfFailure(timedOut("retail", 5, false))).toBe("timeout");
  });
});
