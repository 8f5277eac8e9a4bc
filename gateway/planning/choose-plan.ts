import type { Plan, PlanChoice, PlanRequest, Planner } from "./plan";
import { compareCosts, planCost } from "./plan-cost";
import { type ReadModel, differsFrom, planReads } from "./plan-reads";

/*
 * GATEWAY_PLANNER=cheaper: each new query is planned by both planners and
 * the plan that costs the units less is kept (plan-cost.ts: fewer requests,
 * then fewer rounds, then fewer fetch nodes; Hive's on a tie). Planning
 * happens once per operation shape (the plan cache keeps the chosen plan),
 * so the second planner costs only on a miss: Apollo's planner added 0.4 ms
 * (a one-unit query) to 31 ms (the 360° view) per new operation of the
 * bench on the shared two-core machine under load (Hive's alone: 0.2-7 ms),
 * and about 0.25-0.45 s once, on the first query after a (re)load, to build
 * its graph of the supergraph.
 *
 * Why it pays: each planner is cheaper on some operations. Hive's batches
 * entity fetches to one unit and skips fetches Apollo's makes twice; Apollo's
 * reads a `@requires` field's inputs in the fetch that already reaches the
 * entity, where Hive's (0.0.38, graphql-hive/router#1539) sends that unit a
 * second entity fetch and adds a round. The plans compared are tidied
 * (planner.ts: fold-fetches.ts, run-earlier.ts), which takes that fetch and
 * round out of Hive's plan where it can: the bench's order history costs 5
 * requests in 4 rounds as Hive's planner writes it, 4 in 3 tidied, as
 * Apollo's does.
 *
 * Apollo's plan is kept only when it asks the units for exactly the fields
 * Hive's asks (plan-reads.ts) and reads every `@requires` field with its
 * inputs: Apollo's planner gets some federation cases wrong, and wrong
 * plans can look cheap (test/federation `requires/chain-from-requiring-
 * subgraph`: Apollo's skips the fetch of the required weight). Hive's plan
 * is the reference because it plans every conformance case right.
 *
 * Mutations, subscriptions and `@defer` are planned as under `hive`: a
 * mutation's order is part of its meaning, and only Apollo's plans deferred
 * parts apart.
 */

export function choosingPlanner(reference: Planner, hive: () => Planner, apollo: () => Planner, model: () => ReadModel, onFallback: (error: Error, request: PlanRequest) => void): Planner {
  let reads: ReadModel | undefined;
  return {
    name: "cheaper",
    plan(request) {
      if (request.operation.rootKind !== "query" || request.operation.selectionSet.hasDefer()) return reference.plan(request);
      let own: Plan | undefined;
      let refused: Error | undefined;
      try {
        own = hive().plan(request);
      } catch (error) {
        refused = error as Error;
      }
      let other: Plan | undefined;
      try {
        other = apollo().plan(request);
      } catch (error) {
        // As under `hive`: when both refuse, the client reads Apollo's reason.
        if (!own) throw error;
      }
      if (!own) {
        onFallback(refused as Error, request);
        return other as Plan;
      }
      if (!other) return own;
      const costs = { hive: planCost(own), apollo: planCost(other) };
      const order = compareCosts(costs.apollo, costs.hive);
      if (order >= 0) return { ...own, choice: { costs, because: order === 0 ? "both cost the same: Hive's kept" : `Hive's ${decidedBy(costs.hive, costs.apollo)}` } };
      reads ??= model();
      const differs = differsFrom(planReads(other, reads), planReads(own, reads));
      if (differs) return { ...own, choice: { costs, because: `Apollo's plan ${differs}: Hive's kept` } };
      return { ...other, choice: { costs, because: `Apollo's ${decidedBy(costs.apollo, costs.hive)}` } };
    },
  };
}

/** Which rule of compareCosts made `cheaper` cheaper. */
function decidedBy(cheaper: PlanChoice["costs"][string], dearer: PlanChoice["costs"][string]): string {
  if (cheaper.requests !== dearer.requests) return "sends fewer requests";
  if (cheaper.rounds !== dearer.rounds) return "sends as many requests in fewer rounds";
  return "has fewer fetches";
}
