import type { Operation, Supergraph } from "@apollo/federation-internals";
import type { DocumentNode } from "graphql";
import { createApolloPlanner } from "./apollo-planner";
import { createHivePlanner } from "./hive-planner";
import type { PlanObserver } from "../operations/metrics";
import type { Plan } from "./plan";

/**
 * The planner seam: a supergraph in, a plan for an operation out. Every
 * planner writes the gateway's own plan form (plan.ts), so the executor
 * does not know which one planned.
 */
export interface Planner {
  readonly name: PlannerName;
  /**
   * The plan for one operation of a validated document. `source` is the
   * document's text (a planner may plan from text), `operation` the
   * document in the federation library's form, built once per document.
   */
  plan(request: PlanRequest): Plan;
}

export interface PlanRequest {
  document: DocumentNode;
  source: string;
  operationName: string | undefined;
  operation: Operation;
}

export const PLANNERS = ["hive", "apollo"] as const;
export type PlannerName = (typeof PLANNERS)[number];

/** Chosen by the conformance suite (test/federation): the planner that plans every case right. */
export const DEFAULT_PLANNER: PlannerName = "hive";

/**
 * The named planner, with the other one behind it for the operations it
 * refuses to plan (Hive's refuses a few deep chains through `@requires`
 * fields that Apollo's plans right): an operation either planner can plan
 * is answered. Each fallback is reported once per operation (plans are
 * cached) through `onFallback`.
 */
export function createPlanner(name: PlannerName, supergraph: Supergraph, sdl: string, onFallback: (error: Error, request: PlanRequest) => void = () => undefined): Planner {
  const build = (which: PlannerName) => (which === "apollo" ? createApolloPlanner(supergraph) : createHivePlanner(sdl));
  const primary = build(name);
  let fallback: Planner | undefined;
  return {
    name,
    plan(request) {
      // Hive's planner plans a deferred fragment with the rest (no Defer node): incremental delivery needs Apollo's.
      if (name === "hive" && request.operation.selectionSet.hasDefer()) {
        fallback ??= build("apollo");
        return fallback.plan(request);
      }
      try {
        return primary.plan(request);
      } catch (error) {
        // Built on first need: Apollo's planner takes a moment to build its graph of the supergraph.
        fallback ??= build(name === "apollo" ? "hive" : "apollo");
        const plan = fallback.plan(request);
        onFallback(error as Error, request);
        return plan;
      }
    },
  };
}

/**
 * Plans are kept per operation text and name, most recently used first: a
 * graph's clients send a few hundred distinct operations, each planned once.
 * A new supergraph comes with a new cache.
 */
export class PlanCache {
  private readonly plans = new Map<string, Plan>();

  constructor(
    private readonly planner: Planner,
    private readonly capacity: number,
    private readonly observe: PlanObserver = { lookup: () => undefined, planned: () => undefined },
  ) {}

  has(key: string): boolean {
    return this.plans.has(key);
  }

  get(key: string, request: () => PlanRequest): Plan {
    const known = this.plans.get(key);
    if (known) {
      // Re-inserted so that it is evicted last.
      this.plans.delete(key);
      this.plans.set(key, known);
      this.observe.lookup(true);
      return known;
    }
    this.observe.lookup(false);
    const started = performance.now();
    const plan = this.planner.plan(request());
    this.observe.planned((performance.now() - started) / 1000);
    if (this.plans.size >= this.capacity) this.plans.delete(this.plans.keys().next().value as string);
    this.plans.set(key, plan);
    return plan;
  }
}
