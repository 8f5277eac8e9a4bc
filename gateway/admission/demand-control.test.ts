import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Supergraph } from "@apollo/federation-internals";
import { type OperationDefinitionNode, parse } from "graphql";
import { EXAMPLES } from "../../demo/examples";
import { CostEstimates, estimateCost, parseBudgets } from "./demand-control";
import { costHintsOf } from "./cost-hints";
import { gatewaySettings } from "../config";

// The committed supergraph, with the units' own @cost and @listSize.
const sdl = readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8");
const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
const hints = costHintsOf(sdl);
const budgets = parseBudgets(gatewaySettings.GATEWAY_COST_BUDGETS.default!);
const LIST = Number(gatewaySettings.GATEWAY_DEFAULT_LIST_SIZE.default);

const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return estimateCost(schema, hints, document, document.definitions.find((d) => d.kind === "OperationDefinition") as OperationDefinitionNode, variables, LIST);
};

describe("demand control", () => {
  it.each(EXAMPLES.map((e) => [e.title, e] as const))("lets the worked example %s through, for the role it is written for", (_title, example) => {
    const estimated = cost(example.query, example.variables);
    // Each within the budget of the caller it is written for: a partner, or a customer on their own channels.
    expect(estimated).toBeLessThanOrEqual(example.channel === "PARTNER" ? budgets.partner : budgets.customer);
    expect(estimated).toBeGreaterThan(0);
  });

  it("estimates the 360° view at 54 and a partner's catalogue page at 63, as the README says", () => {
    const estimate = (title: RegExp) => {
      const example = EXAMPLES.find((e) => title.test(e.title))!;
      return cost(example.query, example.variables);
    };
    expect(estimate(/^The 360° view: every unit/)).toBe(54);
    expect(estimate(/^A partner's catalogue/)).toBe(63);
  });

  it("counts a list by its slicing argument, its default, or what the unit assumes", () => {
    const one = cost(`{ customer(id: "C") { orders(first: 1) { id } } }`);
    const ten = cost(`{ customer(id: "C") { orders(first: 10) { id } } }`);
    expect(ten - one).toBe(9);
    expect(cost(`query($n: Int) { customer(id: "C") { orders(first: $n) { id } } }`, { n: 10 })).toBe(ten);
    expect(cost(`{ customer(id: "C") { orders { id } } }`)).toBe(cost(`{ customer(id: "C") { orders(first: 20) { id } } }`));
    expect(cost(`{ products(first: 5) { items { sku } } }`)).toBe(1 + 5);
  });

  it("refuses a 100 x 100 x 100 list and a fragment bomb, at once and with a finite figure", () => {
    const nested = cost(`{ products(first: 100) { items { sku } } searchCustomers(text: "a", first: 100) { orders(first: 100) { lines { product { name } } } invoices(first: 100) { lines { description } } } }`);
    expect(nested).toBeGreaterThan(budgets.agent);
    const levels = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Customer { orders(first: 100) { id } ...F${i + 1} ...F${i + 1} }`);
    const bomb = `{ customer(id: "C") { ...F0 } } ${levels.join(" ")} fragment F30 on Customer { id }`;
    const started = Date.now();
    expect(cost(bomb)).toBeGreaterThan(budgets.agent);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("keeps an operation's estimate only when no variable enters it: the same figures as estimating afresh", () => {
    const estimates = new CostEstimates(LIST);
    const operationOf = (document: ReturnType<typeof parse>) => document.definitions.find((d) => d.kind === "OperationDefinition") as OperationDefinitionNode;
    const sized = parse(`query($n: Int, $id: ID!) { customer(id: $id) { orders(first: $n) { id } } }`);
    const fixed = parse(`query($id: ID!) { customer(id: $id) { orders(first: 3) { id } invoices { number } } }`);
    const listed = parse(`query($n: Int) { products(first: $n) { items { sku } } }`);
    for (const n of [1, 10, 1, 50, undefined]) {
      for (const document of [sized, fixed, listed]) {
        const variables = { n, id: `C${n}` };
        expect(estimates.estimate(schema, hints, document, operationOf(document), variables)).toBe(estimateCost(schema, hints, document, operationOf(document), variables, LIST));
      }
    }
    expect(estimates.estimate(schema, hints, sized, operationOf(sized), { n: 10 })).not.toBe(estimates.estimate(schema, hints, sized, operationOf(sized), { n: 1 }));
    // Other hints (a new supergraph) are estimated afresh, not read from what the old ones gave.
    const heavier = { weights: new Map([...hints.weights, ["Order", 7]]), lists: hints.lists };
    expect(estimates.estimate(schema, heavier, fixed, operationOf(fixed), { id: "C1" })).toBe(estimateCost(schema, heavier, fixed, operationOf(fixed), { id: "C1" }, LIST));
    expect(estimates.estimate(schema, heavier, fixed, operationOf(fixed), { id: "C1" })).not.toBe(estimateCost(schema, hints, fixed, operationOf(fixed), { id: "C1" }, LIST));
  });

  it("gives each role a budget, and reads budgets strictly", () => {
    expect(budgets.anonymous).toBeLessThanOrEqual(budgets.partner);
    expect(budgets.partner).toBeLessThanOrEqual(budgets.agent);
    expect(() => parseBudgets("agent=10")).toThrow(/no budget for anonymous/);
    expect(() => parseBudgets("root=1")).toThrow(/not role=budget/);
  });
});
