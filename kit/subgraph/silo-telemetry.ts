import { AsyncLocalStorage } from "node:async_hooks";
import { type Span, SpanKind } from "@opentelemetry/api";
import type { Knex } from "knex";
import { Gauge, Histogram, type Registry } from "prom-client";
import { dialectOf } from "./db";
import { type RequestRecord, addTiming } from "../observe";
import { fail, tracer, tracingEnabled } from "../telemetry";

/**
 * What a unit's silo does for each request: SQL statements counted and timed
 * by the repository method that ran them, a span per statement, and the
 * pool's connections at scrape time. Knex reports each statement through
 * its `query`, `query-response` and `query-error` events, matched by
 * `__knexQueryUid`, but not who asked: the request (set by the unit's HTTP
 * front, `siloScope`) and the repository method (set by the wrapper below)
 * come from one AsyncLocalStorage, the price of knowing them.
 */
interface SiloScope {
  request: RequestRecord | undefined;
  method: string | undefined;
}

const scope = new AsyncLocalStorage<SiloScope>();

/** Runs one request of a unit so that its SQL statements count toward it. */
export function siloScope(request: RequestRecord, run: () => Promise<void>): Promise<void> {
  return scope.run({ request, method: undefined }, run);
}

/** Statements outside any repository method (migrations, the health check). */
const UNATTRIBUTED = "unattributed";

/**
 * The unit's repositories, each method running under its name
 * (`invoices.byCustomers`), so SQL metrics and spans can say which method
 * ran the statement. Inside a method `this` is the repository itself: its
 * own helpers are called directly, and count toward the outer method.
 */
export function attributeRepositories<R>(repos: R): R {
  const attributed: Record<string, unknown> = {};
  for (const [key, repo] of Object.entries(repos as Record<string, unknown>)) attributed[key] = repo !== null && typeof repo === "object" ? attribute(key, repo as object) : repo;
  return attributed as R;
}

function attribute(name: string, repo: object): object {
  const wrapped = Object.create(repo) as Record<string, unknown>;
  for (let proto = Object.getPrototypeOf(repo); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const prop of Object.getOwnPropertyNames(proto)) {
      const fn = Object.getOwnPropertyDescriptor(proto, prop)?.value;
      if (prop === "constructor" || typeof fn !== "function" || Object.prototype.hasOwnProperty.call(wrapped, prop)) continue;
      const method = `${name}.${prop}`;
      wrapped[prop] = (...args: unknown[]) => scope.run({ request: scope.getStore()?.request, method }, Reflect.apply, fn, repo, args);
    }
  }
  return wrapped;
}

interface Pending {
  started: number;
  method: string;
  request: RequestRecord | undefined;
  span: Span | undefined;
}

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

export function observeSilo(db: Knex, unit: string, registry: Registry): void {
  const statements = new Histogram({
    name: "subgraph_sql_duration_seconds",
    help: "SQL statements the unit ran on its silo, by repository method and outcome (ok, error).",
    labelNames: ["method", "outcome"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  });
  const pool = () => (db.client as { pool?: TarnPool }).pool;
  const gauge = (name: string, help: string, read: (p: TarnPool) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const p = pool();
        this.set(p ? read(p) : 0);
      },
    });
  gauge("subgraph_db_pool_used_connections", "Silo connections lent out to statements now.", (p) => p.numUsed());
  gauge("subgraph_db_pool_free_connections", "Idle silo connections in the pool now.", (p) => p.numFree());
  gauge("subgraph_db_pool_pending_acquires", "Statements waiting for a silo connection now.", (p) => p.numPendingAcquires());

  const spans = tracer(unit);
  const system = { sqlite: "sqlite", postgres: "postgresql", mysql: "mysql" }[dialectOf(db)];
  const pending = new Map<string, Pending>();

  db.on("query", (query: { __knexQueryUid?: string; sql?: string; method?: string }) => {
    const uid = query.__knexQueryUid;
    if (!uid) return; // transaction control (BEGIN, COMMIT) has no uid and no response event
    const current = scope.getStore();
    const method = current?.method ?? UNATTRIBUTED;
    // The statement's text without its values: bindings stay out of traces.
    const span = tracingEnabled() ? spans.startSpan(`sql ${method}`, { kind: SpanKind.CLIENT, attributes: { "db.system": system, "db.operation": query.method, "db.statement": query.sql?.slice(0, 2000), "code.function": method } }) : undefined;
    // A statement that never reports back must not grow this map for ever.
    if (pending.size > 10_000) pending.clear();
    pending.set(uid, { started: performance.now(), method, request: current?.request, span });
  });

  const settle = (uid: string | undefined, err?: unknown) => {
    const p = uid === undefined ? undefined : pending.get(uid);
    if (!p) return;
    pending.delete(uid!);
    const ms = performance.now() - p.started;
    statements.observe({ method: p.method, outcome: err ? "error" : "ok" }, ms / 1000);
    if (p.request) addTiming(p.request, "sql", ms);
    if (p.span) {
      if (err) fail(p.span, err);
      p.span.end();
    }
  };
  db.on("query-response", (_response: unknown, query: { __knexQueryUid?: string }) => settle(query.__knexQueryUid));
  db.on("query-error", (err: unknown, query: { __knexQueryUid?: string }) => settle(query.__knexQueryUid, err));
}
