import { Supergraph } from "@apollo/federation-internals";
import { GRAPH_SUPERGRAPH as SDL, fetchStep as fetch, planRequest } from "../../test/support/plans";
import { foldFetches } from "./fold-fetches";
import { createHivePlanner } from "./hive-planner";
import type { Plan, PlanNode, RequiredSelection } from "./plan";
import { planCost } from "./plan-cost";
import { runEarlier } from "./run-earlier";
import { entityKeysOf } from "./supergraph";

/*
 * Each fetch in the earliest round its inputs allow. That the rearranged
 * plans answer as before is for test/federation and
 * test/e2e/differential.test.ts, which run them.
 */

const supergraph = Supergraph.build(SDL);

/** Hive's plan as its planner writes it, folded, and folded then rearranged. */
function hivePlans(query: string): { folded: Plan; tidied: Plan } {
  const folded = foldFetches(createHivePlanner(SDL).plan(planRequest(supergraph, query)), entityKeysOf(SDL), supergraph.schema.toGraphQLJSSchema());
  return { folded, tidied: runEarlier(folded) };
}

/** The plan's rounds, each as the units its fetches go to. */
function rounds(node: PlanNode | null): string[][] {
  if (!node) return [];
  const unitsOf = (n: PlanNode): string[] => (n.kind === "Fetch" || n.kind === "BatchFetch" ? [n.unit] : n.kind === "Flatten" ? unitsOf(n.node) : n.kind === "Parallel" || n.kind === "Sequence" ? n.nodes.flatMap(unitsOf) : []);
  return node.kind === "Sequence" ? node.nodes.map((n) => unitsOf(n).sort()) : [unitsOf(node).sort()];
}

const customerKey = (...more: string[]): RequiredSelection[] => [
  { kind: "InlineFragment", typeCondition: "Customer", selections: [{ kind: "Field", name: "__typename" }, { kind: "Field", name: "id" }, ...more.map((name) => ({ kind: "Field" as const, name }))] },
];
const entities = (unit: string, type: string, selection: string, requires: RequiredSelection[]) => fetch(unit, `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${type} { ${selection} } } }`, requires);
const root = fetch("billing", `{ customer(id: "C000001") { __typename id name } }`);
const under = (node: PlanNode): PlanNode => ({ kind: "Flatten", path: ["customer"], node });

describe("each fetch in the earliest round its inputs allow", () => {
  it("runs promotions' prices of the ordered products beside its offers of the customers: one round and one request fewer (bench case c's shape)", () => {
    const query = `query Page($text: String!) { searchCustomers(text: $text, first: 50) { id orders(first: 3) { lines { product { name price { final { amount } } } } } offers { code } stayCount } }`;
    const { folded, tidied } = hivePlans(query);
    expect(rounds(folded.node)).toEqual([["billing"], ["bookings", "retail"], ["promotions"], ["promotions"]]);
    expect(rounds(tidied.node)).toEqual([["billing"], ["bookings", "retail"], ["promotions", "promotions"]]);
    // The two promotions fetches of one round go out as one request (plan-cost.ts counts as the executor sends).
    expect(planCost(folded)).toEqual({ requests: 5, rounds: 4, fetches: 5 });
    expect(planCost(tidied)).toEqual({ requests: 4, rounds: 3, fetches: 5 });
  });

  it("moves a fetch past a step that writes nothing it reads", () => {
    const loyalty = under(entities("retail", "Customer", "loyalty { tier }", customerKey()));
    const stays = under(entities("bookings", "Customer", "stayCount", customerKey()));
    const moved = runEarlier({ node: { kind: "Sequence", nodes: [root, loyalty, stays] }, planner: "test" });
    expect(rounds(moved.node)).toEqual([["billing"], ["bookings", "retail"]]);
  });

  it("keeps a fetch after the step that writes a field it requires", () => {
    const stays = under(entities("bookings", "Customer", "stayCount", customerKey()));
    const offers = under(entities("promotions", "Customer", "offers { code }", customerKey("stayCount")));
    const original: Plan = { node: { kind: "Sequence", nodes: [root, stays, offers] }, planner: "test" };
    expect(runEarlier(original)).toBe(original);
  });

  it("keeps a fetch after a step that created the objects on its way", () => {
    const orders = under(entities("retail", "Customer", "orders { id lines { product { __typename sku } } }", customerKey()));
    const price: PlanNode = {
      kind: "Flatten",
      path: ["customer", "orders", "@", "lines", "@", "product"],
      node: entities("retail", "Product", "category", [
        {
          kind: "InlineFragment",
          typeCondition: "Product",
          selections: [
            { kind: "Field", name: "__typename" },
            { kind: "Field", name: "sku" },
          ],
        },
      ]),
    };
    const original: Plan = { node: { kind: "Sequence", nodes: [root, orders, price] }, planner: "test" };
    expect(runEarlier(original)).toBe(original);
  });

  it("keeps a fetch out of a step that reads what it writes (that step must not see its answer)", () => {
    const stays = under(entities("bookings", "Customer", "stayCount", customerKey()));
    const offers = under(entities("promotions", "Customer", "offers { code }", customerKey("stayCount")));
    const moreStays = under(entities("bookings", "Customer", "stayCount", customerKey()));
    // moreStays reads only the customer, but the offers read the stayCount it writes: they ran without its answer, and still do.
    const original: Plan = { node: { kind: "Sequence", nodes: [root, stays, offers, moreStays] }, planner: "test" };
    expect(runEarlier(original)).toBe(original);
  });

  it("never moves a read before a write", () => {
    const write = fetch("promotions", `mutation { setMarketingConsent(customerId: "C000001", sms: true) { sms } }`, undefined, "mutation");
    const read = under(entities("retail", "Customer", "loyalty { tier }", customerKey()));
    const original: Plan = { node: { kind: "Sequence", nodes: [root, write, read] }, planner: "test" };
    expect(runEarlier(original)).toBe(original);
  });
});
