import { readFileSync } from "node:fs";
import { join } from "node:path";
import { composeServices } from "@apollo/composition";
import { Supergraph } from "@apollo/federation-internals";
import { parse } from "graphql";
import { requires } from "../../test/federation/groups/requires";
import { GRAPH_SUPERGRAPH as SUPERGRAPH, planRequest } from "../../test/support/plans";
import type { Plan } from "./plan";
import { createApolloPlanner } from "./apollo-planner";
import { choosingPlanner } from "./choose-plan";
import { createHivePlanner } from "./hive-planner";
import { planCost } from "./plan-cost";
import { readModelOf } from "./plan-reads";
import { createPlanner } from "./planner";

/*
 * GATEWAY_PLANNER=cheaper on the graph's own supergraph and on a
 * conformance fixture: which plan it keeps, and why. That the kept plans
 * answer as the others do is for test/federation (every case under every
 * planner) and test/e2e/differential.test.ts (random operations, the real units).
 */

function plans(sdl: string, query: string): Record<"hive" | "apollo" | "cheaper", Plan> {
  const supergraph = Supergraph.build(sdl);
  const request = planRequest(supergraph, query);
  return {
    hive: createPlanner("hive", supergraph, sdl).plan(request),
    apollo: createPlanner("apollo", supergraph, sdl).plan(request),
    cheaper: createPlanner("cheaper", supergraph, sdl).plan(request),
  };
}

/** The bench's (f): Hive's planner reads each product's list price in an entity fetch of its own, after the orders. */
const ORDER_HISTORY = `query OrderHistory($id: ID!) {
  customer(id: $id) {
    orders(first: 5) {
      id placedAt total { amount currency }
      lines { quantity product { sku name price(customerId: $id) { final { amount } appliedOffer { code } } } }
      invoice { number status }
    }
  }
}`;

describe("the cheaper plan (GATEWAY_PLANNER=cheaper)", () => {
  it("keeps Apollo's plan for order history where it costs less: as the planners write them, Hive's reads the list prices a request and a round later", () => {
    const sdl = SUPERGRAPH;
    const supergraph = Supergraph.build(sdl);
    const request = planRequest(supergraph, ORDER_HISTORY);
    // The planners untidied (planner.ts tidies every plan before choosing): Hive's as Hive's planner writes it.
    const hive = createHivePlanner(sdl);
    const apollo = createApolloPlanner(supergraph);
    const cheaper = choosingPlanner(
      hive,
      () => hive,
      () => apollo,
      () => readModelOf(sdl, supergraph.schema.toGraphQLJSSchema()),
      () => undefined,
    ).plan(request);
    const costs = { hive: planCost(hive.plan(request)), apollo: planCost(apollo.plan(request)) };
    expect(costs).toEqual({ hive: { requests: 5, rounds: 4, fetches: 5 }, apollo: { requests: 4, rounds: 3, fetches: 4 } });
    expect(cheaper.planner).toBe("apollo");
    expect(cheaper.choice).toEqual({ costs, because: "Apollo's sends fewer requests" });
  });

  it("keeps Hive's plan for order history once tidied: the list prices folded into the orders' fetch, it costs what Apollo's does", () => {
    const { hive, apollo, cheaper } = plans(SUPERGRAPH, ORDER_HISTORY);
    expect(planCost(hive)).toEqual({ requests: 4, rounds: 3, fetches: 4 });
    expect(planCost(apollo)).toEqual(planCost(hive));
    expect(cheaper.planner).toBe("hive");
    expect(cheaper.choice?.because).toBe("both cost the same: Hive's kept");
  });

  it.each([
    ["the 360° view (a)", "customer-360.graphql", { requests: 8, rounds: 4, fetches: 8 }, { requests: 9, rounds: 4, fetches: 12 }, { requests: 6, rounds: 3, fetches: 7 }],
    ["the list of 50 customers (c)", "customers-list.graphql", { requests: 8, rounds: 4, fetches: 8 }, { requests: 8, rounds: 4, fetches: 10 }, { requests: 6, rounds: 3, fetches: 7 }],
    ["the order history (f)", "order-history.graphql", { requests: 5, rounds: 4, fetches: 5 }, { requests: 4, rounds: 3, fetches: 4 }, { requests: 4, rounds: 3, fetches: 4 }],
  ])("tidies %s before choosing: as the planners write them, then the plan kept", (_, file, hiveAsWritten, apolloAsWritten, kept) => {
    const query = readFileSync(join(__dirname, "..", "..", "bench", "operations", file), "utf8");
    const supergraph = Supergraph.build(SUPERGRAPH);
    const request = planRequest(supergraph, query);
    expect(planCost(createHivePlanner(SUPERGRAPH).plan(request))).toEqual(hiveAsWritten);
    expect(planCost(createApolloPlanner(supergraph).plan(request))).toEqual(apolloAsWritten);
    const cheaper = createPlanner("cheaper", supergraph, SUPERGRAPH).plan(request);
    expect(cheaper.planner).toBe("hive");
    expect(planCost(cheaper)).toEqual(kept);
  });

  it("keeps Hive's plan where Hive's costs less: the offers view, whose promotions fetches Apollo's makes in two rounds", () => {
    const query = `query Offers($id: ID!) { customer(id: $id) { name offers { code } redemptions { channel offer { code } } consent { email } timeline(first: 5) { at kind } } }`;
    const { hive, apollo, cheaper } = plans(SUPERGRAPH, query);
    expect(planCost(hive).requests).toBeLessThan(planCost(apollo).requests);
    expect(cheaper.planner).toBe("hive");
    expect(cheaper.node).toEqual(hive.node);
    expect(cheaper.choice?.because).toBe("Hive's sends fewer requests");
  });

  it("keeps Hive's plan when both cost the same", () => {
    const { hive, apollo, cheaper } = plans(SUPERGRAPH, `query Stays($id: ID!) { customer(id: $id) { name bookings(first: 2) { checkIn invoice { number } } } }`);
    expect(planCost(apollo)).toEqual(planCost(hive));
    expect(cheaper.planner).toBe("hive");
    expect(cheaper.choice?.because).toBe("both cost the same: Hive's kept");
  });

  it("keeps Hive's plan when Apollo's is cheaper only because it skips a requirement (test/federation requires/chain-from-requiring-subgraph)", () => {
    const composed = composeServices(requires.subgraphs().map((s) => ({ name: s.name, typeDefs: parse(s.typeDefs), url: `http://${s.name}.invalid/graphql` })));
    const sdl = composed.supergraphSdl as string;
    const { hive, apollo, cheaper } = plans(sdl, `{ lightest { name insuredShippingCost } }`);
    expect(planCost(apollo).requests).toBeLessThan(planCost(hive).requests);
    expect(cheaper.planner).toBe("hive");
    expect(cheaper.node).toEqual(hive.node);
    expect(cheaper.choice?.because).toBe("Apollo's plan shipping is asked for Product.shippingCost where no representation carries what it requires: Hive's kept");
  });

  it("plans mutations as the hive planner does, without a choice", () => {
    const { hive, cheaper } = plans(SUPERGRAPH, `mutation { setMarketingConsent(customerId: "C000001", sms: true) { sms } }`);
    expect(cheaper).toEqual(hive);
  });
});
