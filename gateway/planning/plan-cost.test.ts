import { parse } from "graphql";
import type { FetchStep, Plan, PlanNode } from "./plan";
import { compareCosts, planCost } from "./plan-cost";

/** The cost model alone, on plans written by hand: what merges into one request, what adds a round. */

const fetch = (unit: string, operationKind: FetchStep["operationKind"] = "query"): FetchStep => ({
  kind: "Fetch",
  unit,
  operation: "{ __typename }",
  operationName: undefined,
  operationKind,
  variableUsages: [],
  document: parse("{ __typename }"),
});
const seq = (...nodes: PlanNode[]): PlanNode => ({ kind: "Sequence", nodes });
const par = (...nodes: PlanNode[]): PlanNode => ({ kind: "Parallel", nodes });
const flat = (node: PlanNode): PlanNode => ({ kind: "Flatten", path: ["customer"], node });
const plan = (node: PlanNode | null): Plan => ({ planner: "test", node });

describe("plan cost", () => {
  it("counts nothing for a plan without fetches", () => {
    expect(planCost(plan(null))).toEqual({ requests: 0, rounds: 0, fetches: 0 });
  });

  it("counts fetches to one unit started by the same answer as one request, as the executor batches them", () => {
    // billing, then retail twice and care at once (one request to retail), then promotions.
    const node = seq(fetch("billing"), par(flat(fetch("retail")), flat(fetch("retail")), flat(fetch("care"))), flat(fetch("promotions")));
    expect(planCost(plan(node))).toEqual({ requests: 4, rounds: 3, fetches: 5 });
  });

  it("counts fetches to one unit started by different answers apart, and the longest branch as the rounds", () => {
    // retail → billing and bookings → billing: the two billing fetches wait for different answers.
    const node = seq(fetch("billing"), par(seq(flat(fetch("retail")), flat(fetch("billing"))), seq(flat(fetch("bookings")), flat(fetch("billing")))), flat(fetch("promotions")));
    expect(planCost(plan(node))).toEqual({ requests: 6, rounds: 4, fetches: 6 });
  });

  it("counts fetches after a Parallel as started together, by the last of its branches", () => {
    const node = seq(par(fetch("billing"), fetch("retail")), par(flat(fetch("promotions")), flat(fetch("promotions"))));
    expect(planCost(plan(node))).toEqual({ requests: 3, rounds: 2, fetches: 4 });
  });

  it("counts every mutation fetch alone: writes are never merged", () => {
    const node = seq(fetch("promotions", "mutation"), fetch("promotions", "mutation"));
    expect(planCost(plan(node))).toEqual({ requests: 2, rounds: 2, fetches: 2 });
    expect(planCost(plan(par(fetch("promotions", "mutation"), fetch("promotions", "mutation"))))).toEqual({ requests: 2, rounds: 1, fetches: 2 });
  });

  it("counts both branches of a Condition, and a Defer's parts after its primary part", () => {
    const condition: PlanNode = { kind: "Condition", variable: "withOrders", ifClause: flat(fetch("retail")), elseClause: flat(fetch("bookings")) };
    expect(planCost(plan(seq(fetch("billing"), condition)))).toEqual({ requests: 3, rounds: 2, fetches: 3 });
    const defer: PlanNode = { kind: "Defer", primary: fetch("billing"), deferred: [{ path: ["customer"], node: flat(fetch("retail")) }] };
    expect(planCost(plan(defer))).toEqual({ requests: 2, rounds: 2, fetches: 2 });
  });

  it("orders costs by requests, then rounds, then fetch nodes", () => {
    const cost = (requests: number, rounds: number, fetches: number) => ({ requests, rounds, fetches });
    expect(compareCosts(cost(4, 3, 4), cost(5, 3, 5))).toBeLessThan(0);
    expect(compareCosts(cost(4, 4, 4), cost(5, 3, 5))).toBeLessThan(0);
    expect(compareCosts(cost(4, 3, 6), cost(4, 4, 4))).toBeLessThan(0);
    expect(compareCosts(cost(4, 3, 4), cost(4, 3, 5))).toBeLessThan(0);
    expect(compareCosts(cost(4, 3, 4), cost(4, 3, 4))).toBe(0);
  });
});
