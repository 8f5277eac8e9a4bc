import type { Supergraph } from "@apollo/federation-internals";
import { GraphQLError, type GraphQLSchema, Kind, print } from "graphql";
import { createApolloPlanner } from "./apollo-planner";
import { createHivePlanner } from "./hive-planner";
import type { PlanObserver } from "../operations/metrics";
import type { Plan, PlanNode, PlanRequest, Planner } from "./plan";
import { choosingPlanner } from "./choose-plan";
import { readModelOf } from "./plan-reads";
import { foldFetches } from "./fold-fetches";
import { runEarlier } from "./run-earlier";
import { type EntityKeys, entityKeysOf } from "./supergraph";

export type { PlanRequest, Planner };

export const PLANNERS = ["hive", "apollo", "cheaper"] as const;
export type PlannerName = (typeof PLANNERS)[number];

/**
 * Chosen by the conformance suite (test/federation: it fails only where
 * every planner does, as `hive`): each new query planned by both planners,
 * the cheaper tidied plan kept (choose-plan.ts), so an operation one
 * planner plans badly costs the units what the other's plan costs.
 */
export const DEFAULT_PLANNER: PlannerName = "cheaper";

type OnFallback = (error: Error, request: PlanRequest) => void;

/** The supergraph as a GraphQL schema (every type and field, hidden ones too) and its entities' keys by unit. */
export interface SupergraphRead {
  schema: GraphQLSchema;
  keys: EntityKeys;
}

/**
 * The named planner. `hive` and `apollo` plan with that planner, with the
 * other one behind it for the operations it refuses to plan (Hive's refuses
 * a few deep chains through `@requires` fields that Apollo's plans right):
 * an operation either planner can plan is answered. Each fallback is
 * reported once per operation (plans are cached) through `onFallback`. An
 * operation with `@defer` under Hive's is planned by Apollo's: Hive's plans
 * deferred fragments with the rest (no Defer node), and incremental
 * delivery needs the parts apart. `cheaper` plans queries with both and
 * keeps the plan that costs the units less (choose-plan.ts), Hive's on a
 * tie; mutations and subscriptions as `hive` does.
 *
 * `read` is what the gateway already made of the supergraph (its GraphQL
 * schema and entity keys), for tidying and for the choice; without it they
 * are made here, once, when first needed.
 */
export function createPlanner(name: PlannerName, supergraph: Supergraph, sdl: string, onFallback: OnFallback = () => undefined, read?: SupergraphRead): Planner {
  const planners = new Map<"hive" | "apollo", Planner>();
  let known = read;
  const readings = () => (known ??= { schema: supergraph.schema.toGraphQLJSSchema(), keys: entityKeysOf(sdl) });
  // Each built on first need: Apollo's planner takes a moment to build its graph of the supergraph.
  const build = (which: "hive" | "apollo") => () => {
    let planner = planners.get(which);
    if (!planner) planners.set(which, (planner = tidied(which === "apollo" ? createApolloPlanner(supergraph) : createHivePlanner(sdl), readings())));
    return planner;
  };
  if (name === "cheaper") {
    const hive = withFallback("hive", build("hive"), build("apollo"), onFallback);
    return choosingPlanner(hive, build("hive"), build("apollo"), () => readModelOf(sdl, readings().schema), onFallback);
  }
  return withFallback(name, build(name), build(name === "apollo" ? "hive" : "apollo"), onFallback);
}

/**
 * A planner whose plans are tidied before anyone costs or runs them: an
 * entity fetch that needs only a key is folded into an earlier fetch to the
 * same unit that returns its objects (fold-fetches.ts), and each fetch then
 * runs in the earliest round its inputs allow (run-earlier.ts).
 */
function tidied(planner: Planner, { keys, schema }: SupergraphRead): Planner {
  return { name: planner.name, plan: (request) => runEarlier(foldFetches(planner.plan(request), keys, schema)) };
}

/** One planner, and the other for what it refuses or would run twice. */
function withFallback(name: string, primary: () => Planner, fallback: () => Planner, onFallback: OnFallback): Planner {
  return {
    name,
    plan(request) {
      // Hive's planner plans a deferred fragment with the rest (no Defer node): incremental delivery needs Apollo's.
      if (name === "hive" && request.operation.selectionSet.hasDefer()) return fallback().plan(request);
      let refused: Error;
      try {
        const plan = primary().plan(request);
        if (!runsAMutationTwice(plan)) return plan;
        refused = new Error("its plan runs one mutation field in two fetches");
      } catch (error) {
        refused = error as Error;
      }
      const plan = fallback().plan(request);
      if (runsAMutationTwice(plan)) throw new GraphQLError("this mutation cannot be planned without running one of its fields twice", { extensions: { code: "QUERY_PLANNING_FAILED" } });
      onFallback(refused, request);
      return plan;
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

/**
 * Whether a plan would run a root mutation field (same response name,
 * field and arguments) in more than one fetch: a mutation is a write, and a write
 * must run once, whatever a planner thought it needed to read from it.
 */
export function runsAMutationTwice(plan: Plan): boolean {
  const seen = new Set<string>();
  const visit = (node: PlanNode | undefined): boolean => {
    if (!node) return false;
    switch (node.kind) {
      case "Fetch":
        if (node.operationKind !== "mutation") return false;
        for (const definition of node.document.definitions) {
          if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
          for (const selection of definition.selectionSet.selections) {
            if (selection.kind !== Kind.FIELD || selection.name.value === "__typename") continue;
            // By response name too: a client may run the same field twice under two aliases.
            const key = `${selection.alias?.value ?? ""}:${selection.name.value}(${(selection.arguments ?? []).map(print).join(",")})`;
            if (seen.has(key)) return true;
            seen.add(key);
          }
        }
        return false;
      case "Sequence":
      case "Parallel":
        return node.nodes.some(visit);
      case "Condition":
        return visit(node.ifClause) || visit(node.elseClause);
      default:
        // Mutation fields are fetched at the root only, never under a Flatten.
        return false;
    }
  };
  return visit(plan.node ?? undefined);
}
