import { type Span, SpanKind } from "@opentelemetry/api";
import type { Knex } from "knex";
import { Gauge, Histogram, type Registry } from "prom-client";
import { dialectOf } from "./db";
import { scopeOf, scopedKnex } from "./scoped-knex";
import { type RequestRecord, addTiming, requestOf } from "../observe";
import { fail, tracer, tracingEnabled } from "../telemetry";

/**
 * What a unit's silo does for each request: SQL statements counted and timed
 * by the repository method that ran them, a span per statement, and the
 * pool's connections at scrape time. Knex reports each statement through
 * its `query`, `query-response` and `query-error` events, matched by
 * `__knexQueryUid`, but not who asked. So each repository method runs with
 * a knex of its own (scoped-knex.ts) that marks its statements with the
 * method's name and the request it serves: the request is known from the
 * repositories a request's context holds (`requestRepositories`), which are
 * views of the unit's repositories bound to that context. No
 * AsyncLocalStorage: its promise hooks taxed every promise of the unit.
 */
interface SiloScope {
  request: RequestRecord | undefined;
  method: string;
}

/** Statements outside any repository method (migrations, the health check). */
const UNATTRIBUTED = "unattributed";

/** On a request's view of a repository: the object its request's record is linked to (its context). */
const CARRIER = Symbol("customer-graph.repository-request");
type RequestView = { [CARRIER]?: object };

/** The repositories attributeRepositories made, each its own object over the unit's. */
const attributed = new WeakSet<object>();

/**
 * The unit's repositories, each method running under its name
 * (`invoices.byCustomers`), so SQL metrics and spans can say which method
 * ran the statement. Inside a method `this` is the repository itself, its
 * knex (and that of any object it holds that has one, e.g. another
 * repository) marking statements as the method's: its own helpers are
 * called directly, and count toward the outer method.
 */
export function attributeRepositories<R>(repos: R): R {
  const result: Record<string, unknown> = {};
  for (const [key, repo] of Object.entries(repos as Record<string, unknown>)) result[key] = repo !== null && typeof repo === "object" ? attribute(key, repo as object) : repo;
  return result as R;
}

function attribute(name: string, repo: object): object {
  const wrapped = Object.create(repo) as Record<string, unknown>;
  for (let proto = Object.getPrototypeOf(repo); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const prop of Object.getOwnPropertyNames(proto)) {
      const fn = Object.getOwnPropertyDescriptor(proto, prop)?.value;
      if (prop === "constructor" || typeof fn !== "function" || Object.prototype.hasOwnProperty.call(wrapped, prop)) continue;
      const method = `${name}.${prop}`;
      wrapped[prop] = function (this: RequestView | undefined, ...args: unknown[]) {
        const scope: SiloScope = { request: requestOf(this?.[CARRIER]), method };
        return Reflect.apply(fn, scopedView(repo, scope), args);
      };
    }
  }
  attributed.add(wrapped);
  return wrapped;
}

/**
 * The repositories as one request sees them: statements they run count
 * toward the request whose record is linked to `carrier` (the request's
 * context; the HTTP front links it after the context is made). Made for
 * every request, a few objects.
 */
export function requestRepositories<R>(repos: R, carrier: object): R {
  const result: Record<string, unknown> = {};
  for (const [key, repo] of Object.entries(repos as Record<string, unknown>)) {
    if (repo !== null && typeof repo === "object" && attributed.has(repo)) {
      const view = Object.create(repo) as RequestView;
      view[CARRIER] = carrier;
      result[key] = view;
    } else result[key] = repo;
  }
  return result as R;
}

/** Where an object keeps a knex, or other objects that do. */
interface Plan {
  knexes: string[];
  holders: string[];
}
const plans = new WeakMap<object, Plan>();

/** `target` with each knex it holds, directly or through the objects it holds, marking statements with `scope`. */
function scopedView(target: object, scope: SiloScope): object {
  const plan = planOf(target, new Set());
  if (plan.knexes.length === 0 && plan.holders.length === 0) return target;
  const view = Object.create(target) as Record<string, unknown>;
  const own = target as Record<string, unknown>;
  for (const key of plan.knexes) view[key] = scopedKnex(own[key] as Knex, scope);
  for (const key of plan.holders) view[key] = scopedView(own[key] as object, scope);
  return view;
}

function planOf(target: object, visiting: Set<object>): Plan {
  let plan = plans.get(target);
  if (plan) return plan;
  plan = { knexes: [], holders: [] };
  visiting.add(target);
  for (const [key, value] of Object.entries(target)) {
    if (isKnex(value)) plan.knexes.push(key);
    else if (value !== null && typeof value === "object" && !visiting.has(value) && !Array.isArray(value) && !ArrayBuffer.isView(value)) {
      const inner = planOf(value, visiting);
      if (inner.knexes.length > 0 || inner.holders.length > 0) plan.holders.push(key);
    }
  }
  visiting.delete(target);
  plans.set(target, plan);
  return plan;
}

function isKnex(value: unknown): value is Knex {
  return typeof value === "function" && typeof (value as Partial<Knex>).queryBuilder === "function" && typeof (value as Partial<Knex>).transaction === "function" && "client" in value;
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
    const current = scopeOf<SiloScope>(query);
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
