import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { LATENCY_BUCKETS, type OperationLabels } from "../../kit/metrics";
import { addTiming, requestOf } from "../../kit/observe";

/**
 * The gateway's own series, beside every process's request and runtime
 * metrics (kit/metrics.ts): subgraph fetches and the query plan cache.
 *
 * A fetch's outcome is one of six: `ok` (the unit answered), `error` (it
 * answered, reporting a fault of its own), `timeout` (no answer in time),
 * `unavailable` (no usable answer: connection refused or reset, a 5xx, an
 * unreadable body), `refused` (a 4xx: the unit refused what the gateway
 * sent) or `circuit_open` (not sent: the unit's breaker is open).
 */
export type FetchOutcome = "ok" | "error" | "timeout" | "unavailable" | "refused" | "circuit_open";

const FETCH_SECONDS = "gateway_subgraph_fetch_duration_seconds";
const FETCH_ERRORS = "gateway_subgraph_fetch_errors_total";

export function registerGatewayMetrics(registry: Registry): void {
  new Histogram({
    name: FETCH_SECONDS,
    help: "Subgraph fetches the query plans made, by subgraph and outcome (ok, error, timeout, unavailable, refused, circuit_open).",
    labelNames: ["subgraph", "outcome"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  new Counter({
    name: FETCH_ERRORS,
    help: "Subgraph fetches that did not end ok, by subgraph and outcome (error, timeout, unavailable, refused, circuit_open).",
    labelNames: ["subgraph", "outcome"] as const,
    registers: [registry],
  });
}

/**
 * Records one subgraph fetch: its metrics, and its time in the request's log
 * line. `context` is the gateway context of the request the fetch serves, as
 * a data source is handed it. Call it once per fetch a query plan makes
 * (subgraph-calls/measure.ts does). For a context the HTTP front did not make
 * (a fetch outside any request) it does nothing.
 */
export function recordFetch(context: object, subgraph: string, ms: number, outcome: FetchOutcome): void {
  const request = requestOf(context);
  if (!request) return;
  addTiming(request, subgraph, ms);
  const registry = request.metrics.registry;
  (registry.getSingleMetric(FETCH_SECONDS) as Histogram<"subgraph" | "outcome"> | undefined)?.observe({ subgraph, outcome }, ms / 1000);
  if (outcome !== "ok") (registry.getSingleMetric(FETCH_ERRORS) as Counter<"subgraph" | "outcome"> | undefined)?.inc({ subgraph, outcome });
}

/** Codes by which a unit says the fault is its own (the rest are answers: FORBIDDEN, NOT_FOUND...). */
const UNIT_FAULTS = new Set(["INTERNAL_SERVER_ERROR", "SILO_DATA_INVALID", "UNAVAILABLE", "TIMEOUT"]);

export function outcomeOfResponse(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): FetchOutcome {
  return errors?.some((e) => UNIT_FAULTS.has(String(e.extensions?.code ?? "INTERNAL_SERVER_ERROR"))) ? "error" : "ok";
}

/** Failure codes of subgraph-calls/failures.ts by outcome; anything else is `unavailable`. */
const FAILURE_OUTCOMES: Record<string, FetchOutcome> = { TIMEOUT: "timeout", UNIT_REFUSED: "refused", CIRCUIT_OPEN: "circuit_open" };

export function outcomeOfFailure(err: unknown): FetchOutcome {
  const code = (err as { extensions?: { code?: unknown } })?.extensions?.code;
  return (typeof code === "string" && FAILURE_OUTCOMES[code]) || "unavailable";
}

/**
 * The HTTP requests the gateway sends the units, as the transport reports
 * them: `single` carries one GraphQL request, `batch` several of different
 * callers (GATEWAY_UNIT_BATCH, subgraph-calls/batch.ts), each counted in
 * `gateway_subgraph_batch_entries_total`. Beside the fetches the plans made
 * (`gateway_subgraph_fetch_duration_seconds_count`), they say what sharing
 * and batching saved each unit. A URL no subgraph has is counted as `other`.
 */
export function subgraphRequestMetrics(registry: Registry, subgraphAt: (url: string) => string | undefined): (url: string, entries: number) => void {
  const requests = new Counter({
    name: "gateway_subgraph_http_requests_total",
    help: "HTTP requests the gateway sent to subgraphs, by subgraph and kind (single: one GraphQL request; batch: several callers' requests in one, GATEWAY_UNIT_BATCH).",
    labelNames: ["subgraph", "kind"] as const,
    registers: [registry],
  });
  const entries = new Counter({ name: "gateway_subgraph_batch_entries_total", help: "GraphQL requests that went to subgraphs inside batch HTTP requests, by subgraph.", labelNames: ["subgraph"] as const, registers: [registry] });
  return (url, count) => {
    const subgraph = subgraphAt(url) ?? "other";
    if (count > 1) {
      requests.inc({ subgraph, kind: "batch" });
      entries.inc({ subgraph }, count);
    } else {
      requests.inc({ subgraph, kind: "single" });
    }
  };
}

const BREAKER_STATES = ["closed", "open", "half-open"] as const;

/**
 * Each unit's circuit breaker, read at every scrape: one series per unit and
 * state, 1 for the state it is in and 0 for the others, so an alert is
 * `gateway_subgraph_breaker_state{state="open"} == 1`.
 */
export function registerBreakerStates(registry: Registry, states: () => ReadonlyMap<string, (typeof BREAKER_STATES)[number]>): void {
  new Gauge({
    name: "gateway_subgraph_breaker_state",
    help: "Each subgraph's circuit breaker: 1 for its current state (closed, open, half-open), 0 for the others.",
    labelNames: ["subgraph", "state"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [subgraph, current] of states()) for (const state of BREAKER_STATES) this.set({ subgraph, state }, state === current ? 1 : 0);
    },
  });
}

/** What the plan cache (planning/planner.ts) reports: each lookup, and the time to plan after a miss. */
export interface PlanObserver {
  lookup(hit: boolean): void;
  planned(seconds: number): void;
}

/**
 * The query plan cache, counted: the gateway asks it once per operation it
 * runs (after validation), so hits and misses are exact, and a miss is
 * followed by planning, which is timed.
 */
export function planCacheMetrics(registry: Registry): PlanObserver {
  const lookups = new Counter({ name: "gateway_query_plan_cache_lookups_total", help: "Query plan cache lookups, by result (hit, miss).", labelNames: ["result"] as const, registers: [registry] });
  const planning = new Histogram({ name: "gateway_query_planning_duration_seconds", help: "Time to plan an operation the plan cache did not hold.", buckets: LATENCY_BUCKETS, registers: [registry] });
  const hit = lookups.labels("hit");
  const miss = lookups.labels("miss");
  return { lookup: (found) => (found ? hit : miss).inc(), planned: (seconds) => planning.observe(seconds) };
}

/** What demand control (admission/demand-control.ts) reports of each operation. */
export interface CostObserver {
  /** An operation refused before it ran: its estimate was over the caller's budget. */
  refused(role: string): void;
  /** An operation that ran and was answered in one piece: its estimate, and its actual cost. */
  measured(operation: string | null, role: string, estimated: number, actual: number): void;
}

/** Costs from a single object to a page of fifty customers with every unit's fields (the agent budget). */
const COST_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 50000];

/**
 * Demand control, counted: the estimated and the actual cost of every
 * operation that ran and was answered in one piece, by operation and role,
 * so that `rate(…actual…_sum) / rate(…estimated…_sum)` says how far the
 * units' `@listSize` are from what the lists hold; and the refusals by role.
 * Both histograms observe the same operations, or the ratio would mean
 * nothing; an operation answered in parts (`@defer`) is in neither.
 */
export function costMetrics(registry: Registry, operations: OperationLabels): CostObserver {
  const help = (what: string) => `${what} cost of the operations the gateway ran and answered in one piece (the units' @cost and @listSize), by operation and role.`;
  const estimated = new Histogram({
    name: "gateway_operation_cost_estimated",
    help: help("Estimated (before running: lists as long as `first` or their assumed size)"),
    labelNames: ["operation", "role"] as const,
    buckets: COST_BUCKETS,
    registers: [registry],
  });
  const actual = new Histogram({ name: "gateway_operation_cost_actual", help: help("Actual (over the answer: lists as long as they came back, nulls free)"), labelNames: ["operation", "role"] as const, buckets: COST_BUCKETS, registers: [registry] });
  const refusals = new Counter({
    name: "gateway_operation_cost_refusals_total",
    help: "Operations refused before running because their estimated cost was over the caller's budget (MAX_COST_EXCEEDED), by role.",
    labelNames: ["role"] as const,
    registers: [registry],
  });
  return {
    refused: (role) => refusals.inc({ role }),
    measured(operation, role, estimate, cost) {
      const labels = { operation: operations.label(operation), role };
      estimated.observe(labels, estimate);
      actual.observe(labels, cost);
    },
  };
}

/** What the shared state in Redis (shared-state/) reports. */
export interface SharedStateMetrics {
  /** Read at every scrape: Redis is connected. */
  watch(up: () => boolean): void;
  /** A command for one use of Redis (rate_limit, apq) failed. */
  failure(use: string): void;
  /** A request the rate limit could not check against Redis: let through (fail open) or refused (fail closed). */
  unchecked(action: "allowed" | "refused"): void;
}

/**
 * Redis, counted, when GATEWAY_REDIS_URL is set: whether it is connected
 * (alert on `gateway_redis_up == 0`), the commands it failed, and the
 * requests the rate limit let through or refused without checking.
 */
export function sharedStateMetrics(registry: Registry): SharedStateMetrics {
  let up: () => boolean = () => false;
  new Gauge({
    name: "gateway_redis_up",
    help: "1 while the gateway's Redis (GATEWAY_REDIS_URL) is connected, else 0.",
    registers: [registry],
    collect() {
      this.set(up() ? 1 : 0);
    },
  });
  const failures = new Counter({ name: "gateway_redis_failures_total", help: "Redis commands that failed or timed out, by use (rate_limit, apq).", labelNames: ["use"] as const, registers: [registry] });
  const unchecked = new Counter({
    name: "gateway_rate_limit_unchecked_total",
    help: "Requests the rate limit could not check because Redis did not answer, by action (allowed: GATEWAY_RATE_LIMIT_ON_REDIS_DOWN=open, refused: closed).",
    labelNames: ["action"] as const,
    registers: [registry],
  });
  return { watch: (probe) => (up = probe), failure: (use) => failures.inc({ use }), unchecked: (action) => unchecked.inc({ action }) };
}
