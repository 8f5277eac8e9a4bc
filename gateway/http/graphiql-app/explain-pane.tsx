import type { GraphiQLPlugin } from "@graphiql/react";
import type { Fetcher } from "@graphiql/toolkit";
import { useSyncExternalStore } from "react";
import type { CostReport } from "../../admission/demand-control";
import type { ExplainedFallback, ExplainedFetch, NullReason } from "../../execution/explain";
import type { PlanChoice } from "../../planning/plan";

/**
 * The Explain pane: what the gateway says of the last run when asked with
 * `x-explain: 1` and `x-cost: 1` (which the page adds to every query and
 * mutation it sends over HTTP, unless the tab's headers set them): its cost
 * against the caller's budget, each subgraph fetch, why each null is null,
 * and the query plan. The fetch, null and cost shapes are the gateway's own
 * types (execution/explain.ts, admission/demand-control.ts), imported as types
 * only; the plan is typed here as explain sends it (operations as text).
 * Explain is for development and agents; anyone else gets the cost alone,
 * and the pane says why.
 */
interface Explain {
  planner: string;
  /** Under GATEWAY_PLANNER=cheaper: each planner's cost and why this plan was kept. */
  choice?: PlanChoice;
  plan: PlanNode | null;
  fetches: ExplainedFetch[];
  fallbacks: ExplainedFallback[];
  nulls: NullReason[];
}

type PathStep = string | { typeIn: string[] };
type PlanNode =
  | { kind: "Fetch"; unit: string; operation: string; operationName?: string }
  | { kind: "BatchFetch"; unit: string; operation: string; operationName?: string; batches: unknown[] }
  | { kind: "Sequence" | "Parallel"; nodes: PlanNode[] }
  | { kind: "Flatten"; path: PathStep[]; node: PlanNode }
  | { kind: "Condition"; variable: string; ifClause?: PlanNode; elseClause?: PlanNode }
  | { kind: "Defer"; primary?: PlanNode; deferred: { label?: string; path: string[]; node?: PlanNode }[] }
  | { kind: "Subscription"; primary: PlanNode; rest?: PlanNode };

interface Run {
  at: Date;
  pending: boolean;
  explain?: Explain;
  cost?: CostReport;
}

/** The last run, as the fetcher saw it come back; the pane re-renders on each change. */
class LastRun {
  private run: Run | null = null;
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly current = (): Run | null => this.run;

  started(): void {
    this.set({ at: new Date(), pending: true });
  }

  /** One payload of the answer (the only one, or each part of an incremental answer). */
  payload(value: unknown): void {
    const extensions = (value as { extensions?: { explain?: Explain; cost?: CostReport } } | null)?.extensions;
    const run = this.run ?? { at: new Date(), pending: false };
    this.set({ ...run, pending: false, explain: extensions?.explain ?? run.explain, cost: extensions?.cost ?? run.cost });
  }

  private set(run: Run): void {
    this.run = run;
    for (const listener of this.listeners) listener();
  }
}

const lastRun = new LastRun();

/** What GraphiQL asks to learn the schema: not a run of the tab's operation. */
const INTROSPECTION = "IntrospectionQuery";

/**
 * Wraps an HTTP fetcher: every run asks for explain and cost (a tab's own
 * `x-explain` or `x-cost` header wins), and what comes back is shown in the
 * pane, whether one answer or incremental parts.
 */
export function explaining(fetcher: Fetcher): Fetcher {
  return (params, options) => {
    if (params.operationName === INTROSPECTION) return fetcher(params, options);
    lastRun.started();
    const headers = { "x-explain": "1", "x-cost": "1", ...options?.headers };
    return observe(fetcher(params, { ...options, headers })) as ReturnType<Fetcher>;
  };
}

function observe(result: unknown): unknown {
  if (result instanceof Promise) return result.then(observe);
  if (result && typeof result === "object" && Symbol.asyncIterator in result) {
    const source = result as AsyncIterable<unknown>;
    return {
      [Symbol.asyncIterator]() {
        const it = source[Symbol.asyncIterator]();
        return {
          async next() {
            const step = await it.next();
            if (!step.done) lastRun.payload(step.value);
            return step;
          },
          return: async (value?: unknown) => (it.return ? it.return(value) : { done: true as const, value: undefined }),
        };
      },
    };
  }
  lastRun.payload(result);
  return result;
}

function ExplainIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <circle cx="11" cy="11" r="6" />
      <path d="M15.5 15.5 20 20M11 8v3h3" />
    </svg>
  );
}

function CostSummary({ cost }: { cost: CostReport }) {
  const share = (n: number) => `${Math.round((n / cost.budget) * 1000) / 10}%`;
  return (
    <table className="explain-table explain-cost" aria-label="Cost">
      <tbody>
        <tr>
          <th scope="row">Estimated</th>
          <td>{cost.estimated}</td>
          <td>{share(cost.estimated)} of the budget</td>
        </tr>
        <tr>
          <th scope="row">Actual</th>
          <td>{cost.actual ?? "–"}</td>
          <td>{cost.actual === null ? "not measured (an answer in parts)" : `${share(cost.actual)} of the budget`}</td>
        </tr>
        <tr>
          <th scope="row">Budget</th>
          <td>{cost.budget}</td>
          <td>as {cost.role === "anonymous" ? "an anonymous caller" : `${/^[aeiou]/.test(cost.role) ? "an" : "a"} ${cost.role}`}</td>
        </tr>
      </tbody>
    </table>
  );
}

function Fetches({ fetches, fallbacks }: { fetches: ExplainedFetch[]; fallbacks: ExplainedFallback[] }) {
  if (fetches.length === 0) return <p>No subgraph was asked.</p>;
  // A fallback fetch (another unit asked for a failed root fetch's fields) says whose fetch it stands in for.
  const insteadOf = new Map(fallbacks.map((f) => [`${f.askedInstead} ${f.operationName}`, f.failed]));
  return (
    <table className="explain-table" aria-label="Fetches">
      <thead>
        <tr>
          <th>Unit</th>
          <th>ms</th>
          <th>Entities</th>
          <th>Sent</th>
          <th>Outcome</th>
        </tr>
      </thead>
      <tbody>
        {fetches.map((f, i) => (
          <tr key={i} title={f.operationName ?? undefined}>
            <td>
              {f.unit}
              {insteadOf.has(`${f.unit} ${f.operationName}`) ? ` (instead of ${insteadOf.get(`${f.unit} ${f.operationName}`)})` : ""}
            </td>
            <td>{f.ms}</td>
            <td>{f.entities}</td>
            <td>{f.shared ? "shared" : f.merged ? "merged" : "alone"}</td>
            <td className={f.outcome === "ok" ? undefined : "explain-bad"}>{f.outcome}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Nulls({ nulls }: { nulls: NullReason[] }) {
  if (nulls.length === 0) return <p>No field came back null.</p>;
  return (
    <ul className="explain-nulls" aria-label="Nulls">
      {nulls.map((n, i) => (
        <li key={i}>
          <code>{n.path.join(".")}</code>: {n.reason}
          {n.unit ? ` (${n.unit})` : ""}
          {"code" in n ? `, ${n.code}` : ""}
          {"message" in n ? <div className="explain-message">{n.message}</div> : null}
        </li>
      ))}
    </ul>
  );
}

const pathText = (path: PathStep[]) => path.map((s) => (typeof s === "string" ? s : `… on ${s.typeIn.join("|")}`)).join(".");

function Plan({ node }: { node: PlanNode }) {
  switch (node.kind) {
    case "Fetch":
    case "BatchFetch":
      return (
        <li>
          <details>
            <summary>
              {node.kind === "BatchFetch" ? `Batched fetch (${node.batches.length})` : "Fetch"} from <b>{node.unit}</b>
            </summary>
            <pre>{node.operation}</pre>
          </details>
        </li>
      );
    case "Sequence":
    case "Parallel":
      return (
        <li>
          {node.kind === "Sequence" ? "In sequence" : "In parallel"}
          <ol>
            {node.nodes.map((child, i) => (
              <Plan key={i} node={child} />
            ))}
          </ol>
        </li>
      );
    case "Flatten":
      return (
        <li>
          At <code>{pathText(node.path)}</code>
          <ol>
            <Plan node={node.node} />
          </ol>
        </li>
      );
    case "Condition":
      return (
        <li>
          If <code>${node.variable}</code>
          <ol>{node.ifClause ? <Plan node={node.ifClause} /> : <li>nothing</li>}</ol>
          else
          <ol>{node.elseClause ? <Plan node={node.elseClause} /> : <li>nothing</li>}</ol>
        </li>
      );
    case "Defer":
      return (
        <li>
          First
          <ol>{node.primary ? <Plan node={node.primary} /> : <li>nothing</li>}</ol>
          {node.deferred.map((d, i) => (
            <div key={i}>
              then, deferred{d.label ? ` (${d.label})` : ""} at <code>{d.path.join(".") || "the root"}</code>
              <ol>{d.node ? <Plan node={d.node} /> : <li>nothing</li>}</ol>
            </div>
          ))}
        </li>
      );
    case "Subscription":
      return (
        <li>
          Subscribe
          <ol>
            <Plan node={node.primary} />
            {node.rest ? <Plan node={node.rest} /> : null}
          </ol>
        </li>
      );
  }
}

function ExplainPane() {
  const run = useSyncExternalStore(lastRun.subscribe, lastRun.current);
  return (
    <div className="explain">
      <div className="graphiql-doc-explorer-title">Explain</div>
      {!run ? (
        <p>Run an operation (▶): its cost, each subgraph fetch, why each null is null and the query plan show here.</p>
      ) : run.pending ? (
        <p>Running…</p>
      ) : (
        <>
          <p className="explain-when">Last run at {run.at.toLocaleTimeString()}</p>
          <h3>Cost</h3>
          {run.cost ? <CostSummary cost={run.cost} /> : <p>The answer carried no cost (refused, or not a query the gateway ran).</p>}
          {run.explain ? (
            <>
              <h3>Fetches</h3>
              <Fetches fetches={run.explain.fetches} fallbacks={run.explain.fallbacks ?? []} />
              <h3>Nulls</h3>
              <Nulls nulls={run.explain.nulls} />
              <h3>Plan ({run.explain.planner})</h3>
              {run.explain.choice ? <p className="explain-choice">{choiceText(run.explain.choice)}</p> : null}
              {run.explain.plan ? (
                <ol className="explain-plan">
                  <Plan node={run.explain.plan} />
                </ol>
              ) : (
                <p>No fetch was needed.</p>
              )}
            </>
          ) : (
            <p>The answer carried no explain: in production only agents may ask for it.</p>
          )}
        </>
      )}
    </div>
  );
}

/** "hive: 5 requests in 4 rounds; apollo: 4 requests in 3 rounds. Apollo's sends fewer requests." */
function choiceText(choice: PlanChoice): string {
  const costs = Object.entries(choice.costs).map(([planner, cost]) => `${planner}: ${cost.requests} request${cost.requests === 1 ? "" : "s"} in ${cost.rounds} round${cost.rounds === 1 ? "" : "s"}`);
  return `${costs.join("; ")}. ${choice.because}.`;
}

export const explainPlugin: GraphiQLPlugin = { title: "Explain", icon: ExplainIcon, content: ExplainPane };
