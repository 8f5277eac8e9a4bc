import type { Plan, PlanNode } from "./plan";

/*
 * What a plan costs the units, read from the plan alone (no data): the
 * requests they receive and the rounds of requests on the longest path.
 * Each request to a unit costs its CPU a fixed part whatever it carries
 * (about 0.8-1 ms on the bench's units: parsing, signature, authorization,
 * a silo round trip), so fewer, larger requests cost less than many small
 * ones; each round on the longest path adds a unit's answer time to the
 * client's wait.
 *
 * Requests are counted as this gateway's executor sends them: query
 * fetches to one unit started by the same event (the same answer coming
 * back, or the plan starting) go out as one request (subgraph-calls/calls.ts
 * batches a caller's fetches per turn of the event loop), so two such
 * fetches in one Parallel count once, as a BatchFetch does. Mutations go out
 * alone. Fetches started by different answers are counted apart even when
 * they might meet in one turn under load: the count does not guess timing.
 * A Flatten over an empty list sends nothing at run time; the count
 * assumes every fetch runs. Both branches of a Condition are counted (the
 * plan is cached for every value of the variable), and a Defer's parts
 * after its primary part.
 */

export interface PlanCost {
  /** Requests the units receive, fetches started together to one unit counted once. */
  requests: number;
  /** Requests on the longest path: rounds the client waits through one after the other. */
  rounds: number;
  /** Fetch and BatchFetch nodes in the plan. */
  fetches: number;
}

/** The event that starts a fetch: the plan's start, one request's answer, or the last of a Parallel's branches. */
interface Started {
  id: string;
  /** Rounds before it. */
  depth: number;
}

export function planCost(plan: Plan): PlanCost {
  const requests = new Map<string, Started>();
  let fetches = 0;
  let joins = 0;
  let alone = 0;
  let rounds = 0;

  const run = (node: PlanNode | undefined, after: Started): Started => {
    if (!node) return after;
    switch (node.kind) {
      case "Fetch":
      case "BatchFetch": {
        fetches += 1;
        // One request per unit and starting event; a mutation (or a subscription's stream) goes alone.
        const key = node.operationKind === "query" ? `${after.id}>${node.unit}` : `${after.id}>${node.unit}#${alone++}`;
        let answered = requests.get(key);
        if (!answered) {
          answered = { id: key, depth: after.depth + 1 };
          requests.set(key, answered);
          rounds = Math.max(rounds, answered.depth);
        }
        return answered;
      }
      case "Sequence":
        return node.nodes.reduce((at, child) => run(child, at), after);
      case "Parallel":
        return joined(
          node.nodes.map((child) => run(child, after)),
          after,
        );
      case "Flatten":
        return run(node.node, after);
      case "Condition":
        return joined([run(node.ifClause, after), run(node.elseClause, after)], after);
      case "Defer": {
        const primary = run(node.primary, after);
        return joined(
          node.deferred.map((part) => run(part.node, primary)),
          primary,
        );
      }
      case "Subscription":
        return run(node.rest, run(node.primary, after));
    }
  };

  /** The event at which every branch is done: a branch's own answer when only one branch sent anything. */
  const joined = (ends: Started[], after: Started): Started => {
    const distinct = [...new Map(ends.filter((end) => end.id !== after.id).map((end) => [end.id, end])).values()];
    if (distinct.length === 0) return after;
    if (distinct.length === 1) return distinct[0];
    return { id: `join${joins++}`, depth: Math.max(...distinct.map((end) => end.depth)) };
  };

  run(plan.node ?? undefined, { id: "start", depth: 0 });
  return { requests: requests.size, rounds, fetches };
}

/**
 * Orders two costs, cheaper first: fewer requests (the units' CPU, the
 * graph's bottleneck under many callers), then fewer rounds (the client's
 * wait), then fewer fetch nodes (less for the gateway to merge). Zero when
 * equal on all three.
 */
export function compareCosts(a: PlanCost, b: PlanCost): number {
  return a.requests - b.requests || a.rounds - b.rounds || a.fetches - b.fetches;
}
