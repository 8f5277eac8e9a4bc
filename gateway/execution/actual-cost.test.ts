import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Supergraph } from "@apollo/federation-internals";
import { type GraphQLSchema, type OperationDefinitionNode, buildSchema, parse } from "graphql";
import { type CostHints, costHintsOf } from "../admission/cost-hints";
import { estimateCost } from "../admission/demand-control";
import { actualCost, costShape } from "./actual-cost";

function costs(schema: GraphQLSchema, hints: CostHints, query: string) {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === "OperationDefinition") as OperationDefinitionNode;
  return {
    estimated: (variables: Record<string, unknown> = {}) => estimateCost(schema, hints, document, operation, variables, 10),
    actual: (data: unknown) => actualCost(schema, hints, document, operation, data),
    shape: () => costShape(schema, hints, document, operation),
  };
}

const users = (n: number) => Array.from({ length: n }, (_, i) => ({ age: 30 + i }));

describe("actual cost: the IBM specification's worked example", () => {
  // The specification's Example 1 (weights as strings, as it writes them).
  const sdl = `
    type User { name: String  age: Int @cost(weight: "2.0") }
    type Query { users(max: Int): [User] @listSize(slicingArguments: ["max"]) }`;
  const schema = buildSchema(sdl, { assumeValidSDL: true });
  const example = costs(schema, costHintsOf(sdl), `query Example { users(max: 5) { age } }`);

  it("estimates five users and measures the three that came back", () => {
    // The specification's own figures are its field cost: 11 before (Query.users's resolver once, five ages at 2)
    // and 7 after (three ages). The units' Federation @cost follow Apollo Router's reading, which weighs each
    // User object instead of the list's one resolver: 5 × (1 + 2) before, 3 × (1 + 2) after. Both say the
    // same thing: the answer held three users of the five the estimate allowed for, each age weighing 2.
    expect(example.estimated()).toBe(15);
    expect(example.actual({ users: users(3) })).toBe(9);
    expect(example.actual({ users: users(3) }) / example.estimated()).toBeCloseTo(3 / 5);
  });

  it("equals the estimate when the list is as long as estimated, and is never above it", () => {
    expect(example.actual({ users: users(5) })).toBe(example.estimated());
    expect(example.actual({ users: [] })).toBe(0);
  });

  it("counts nothing for a null, nor below it: errors produce no data", () => {
    expect(example.actual({ users: null })).toBe(0);
    expect(example.actual({ users: [{ age: 33 }, null, { age: 27 }] })).toBe(6);
    // A user whose age failed: the user counts, its age does not.
    expect(example.actual({ users: [{ age: 33 }, { age: null }] })).toBe(3 + 1);
    expect(example.actual(null)).toBe(0);
  });
});

describe("actual cost over the customer graph", () => {
  const sdl = readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8");
  const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
  const hints = costHintsOf(sdl);

  it("counts a page's items as they came back, not as `first` asked", () => {
    const page = costs(schema, hints, `{ products(first: 50) { totalCount items { sku name } } }`);
    expect(page.estimated()).toBe(1 + 50);
    expect(
      page.actual({
        products: {
          totalCount: 3,
          items: [
            { sku: "A", name: "a" },
            { sku: "B", name: "b" },
            { sku: "C", name: "c" },
          ],
        },
      }),
    ).toBe(1 + 3);
  });

  it("weighs a field as its unit declares (the price engine, 3) and lists within lists element by element", () => {
    const priced = costs(schema, hints, `{ customer(id: "C1") { orders(first: 2) { lines { product { price { final { amount } } } } } } }`);
    const line = { product: { price: { final: { amount: "1.00" } } } };
    // customer 1; per order 1 + per line (1 + product 1 + price 3 + final 1)
    expect(priced.actual({ customer: { orders: [{ lines: [line, line] }, { lines: [line] }] } })).toBe(1 + (1 + 2 * 6) + (1 + 6));
    // Every list as long as estimated (2 orders, 10 lines each): the estimate exactly.
    const full = { customer: { orders: Array.from({ length: 2 }, () => ({ lines: Array.from({ length: 10 }, () => line) })) } };
    expect(priced.actual(full)).toBe(priced.estimated());
    // The unit that prices failed: its nulls cost nothing.
    expect(priced.actual({ customer: { orders: [{ lines: [{ product: { price: null } }] }] } })).toBe(1 + 1 + 1 + 1);
  });

  it("merges fields by response key, as execution does, and counts aliases apart", () => {
    const merged = costs(
      schema,
      hints,
      `
      query { customer(id: "C1") { ...Orders orders { id } ... on Customer { orders { placedAt } } ...Orders } }
      fragment Orders on Customer { orders { total { amount } } }`,
    );
    const order = { id: "O1", placedAt: "2026-01-01T00:00:00Z", total: { amount: "1.00" } };
    // One `orders` key: each order once, with its total (Money, 1), whatever the fragments.
    expect(merged.actual({ customer: { orders: [order, order] } })).toBe(1 + 2 * (1 + 1));
    const aliased = costs(schema, hints, `{ a: customer(id: "C1") { name } b: customer(id: "C2") { name } }`);
    expect(aliased.actual({ a: { name: "A" }, b: null })).toBe(1);
    expect(aliased.actual({ a: { name: "A" }, b: { name: "B" } })).toBe(2);
  });

  it("weighs a mutation's root field 10, as the estimate does", () => {
    const redeem = costs(schema, hints, `mutation { redeemOffer(customerId: "C1", code: "X", idempotencyKey: "k") { channel offer { code } } }`);
    expect(redeem.estimated()).toBe(10 + 1);
    expect(redeem.actual({ redeemOffer: { channel: "WEB", offer: { code: "X" } } })).toBe(10 + 1);
  });

  it("leaves out what weighs nothing, so measuring an answer walks only objects and weighed fields", () => {
    const shape = costs(schema, hints, `{ customer(id: "C1") { name email __typename stayCount orders(first: 3) { id placedAt } } categories }`).shape();
    expect(JSON.stringify(shape)).toBe(JSON.stringify({ weight: 0, keys: [["customer", { weight: 1, keys: [["orders", { weight: 1, keys: [] }]] }]] }));
  });

  it("compiles a fragment spread many times over once, and a fragment bomb in no time", () => {
    const levels = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Customer { name ...F${i + 1} ...F${i + 1} }`);
    const bomb = costs(schema, hints, `{ customer(id: "C") { ...F0 } } ${levels.join(" ")} fragment F30 on Customer { orders(first: 1) { id } }`);
    const started = Date.now();
    expect(bomb.actual({ customer: { name: "x", orders: [{ id: "O" }] } })).toBe(2);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
