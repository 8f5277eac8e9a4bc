import { Supergraph } from "@apollo/federation-internals";
import { parse, print } from "graphql";
import { GRAPH_SUPERGRAPH as SDL, fetchStep as fetch, planRequest } from "../../test/support/plans";
import { foldFetches } from "./fold-fetches";
import { createHivePlanner } from "./hive-planner";
import type { Plan, PlanNode, RequiredSelection } from "./plan";
import { entityKeysOf } from "./supergraph";

/*
 * Folding a key-only entity fetch into an earlier fetch to the same unit,
 * on the graph's own supergraph. That folded plans answer as the planners'
 * own do is for test/federation (every case under every planner) and
 * test/e2e/differential.test.ts (random operations against stock Apollo).
 */

const supergraph = Supergraph.build(SDL);
const schema = supergraph.schema.toGraphQLJSSchema();
const keys = entityKeysOf(SDL);

function hivePlan(query: string): Plan {
  return createHivePlanner(SDL).plan(planRequest(supergraph, query));
}

/** Each fetch as `unit: operation`, printed alike whichever way it was written, in plan order. */
function fetches(node: PlanNode | null): string[] {
  if (!node) return [];
  switch (node.kind) {
    case "Fetch":
    case "BatchFetch":
      return [`${node.unit}: ${print(parse(node.operation)).replace(/\s+/g, " ")}`];
    case "Sequence":
    case "Parallel":
      return node.nodes.flatMap(fetches);
    case "Flatten":
      return fetches(node.node);
    case "Condition":
      return [...fetches(node.ifClause ?? null), ...fetches(node.elseClause ?? null)];
    default:
      return [];
  }
}

const PRODUCT_KEY: RequiredSelection[] = [
  {
    kind: "InlineFragment",
    typeCondition: "Product",
    selections: [
      { kind: "Field", name: "__typename" },
      { kind: "Field", name: "sku" },
    ],
  },
];

const productRoot = (selection = "__typename sku name") => fetch("retail", `{ product(sku: "SKU-0001") { ${selection} } }`);
const categoryOf = (unit = "retail", requires: readonly RequiredSelection[] = PRODUCT_KEY) => fetch(unit, `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { category } } }`, requires);
const plan = (node: PlanNode): Plan => ({ node, planner: "test" });

describe("folding a key-only entity fetch into an earlier fetch to the same unit", () => {
  it("asks retail for the ordered products' category and list price where it names them, one request fewer (bench case c)", () => {
    const query = `query Page($text: String!) { searchCustomers(text: $text, first: 50) { id orders(first: 3) { id lines { product { name price { final { amount } } } } } } }`;
    const before = fetches(hivePlan(query).node);
    const after = fetches(foldFetches(hivePlan(query), keys, schema).node);
    expect(before.filter((f) => f.startsWith("retail:") && f.includes("... on Product { category listPrice"))).toHaveLength(1);
    expect(after).toHaveLength(before.length - 1);
    expect(after.filter((f) => f.includes("_entities(representations: $representations) { ... on Product { category"))).toEqual([]);
    // Where retail names the order lines' products, it now reads what promotions' price requires.
    expect(after.find((f) => f.startsWith("retail:"))).toContain("product { __typename name sku ... on Product { category listPrice { currency amount } } }");
    // Promotions' price requires more than the key: it stays a fetch of its own.
    expect(after.filter((f) => f.startsWith("promotions:") && f.includes("price"))).toHaveLength(1);
  });

  it("folds into a root fetch after it in a Sequence, and leaves nothing of the folded fetch", () => {
    const folded = foldFetches(plan({ kind: "Sequence", nodes: [productRoot(), { kind: "Flatten", path: ["product"], node: categoryOf() }] }), keys, schema);
    expect(fetches(folded.node)).toEqual([`retail: { product(sku: "SKU-0001") { __typename sku name ... on Product { category } } }`]);
    expect(folded.node?.kind).toBe("Fetch");
  });

  it.each<[string, PlanNode]>([
    ["runs beside it (a Parallel: the objects are not there yet)", { kind: "Parallel", nodes: [productRoot(), { kind: "Flatten", path: ["product"], node: categoryOf() }] }],
    ["goes to another unit", { kind: "Sequence", nodes: [productRoot(), { kind: "Flatten", path: ["product"], node: categoryOf("promotions") }] }],
    [
      "requires more than a key (a @requires field's inputs)",
      {
        kind: "Sequence",
        nodes: [
          productRoot(),
          {
            kind: "Flatten",
            path: ["product"],
            node: categoryOf("retail", [
              {
                kind: "InlineFragment",
                typeCondition: "Product",
                selections: [
                  { kind: "Field", name: "__typename" },
                  { kind: "Field", name: "sku" },
                  { kind: "Field", name: "name" },
                ],
              },
            ]),
          },
        ],
      },
    ],
    ["is under a condition", { kind: "Sequence", nodes: [productRoot(), { kind: "Condition", variable: "more", ifClause: { kind: "Flatten", path: ["product"], node: categoryOf() } }] }],
    ["would meet a field of the same response name that is another field", { kind: "Sequence", nodes: [productRoot("__typename sku category: name"), { kind: "Flatten", path: ["product"], node: categoryOf() }] }],
    ["would be reached through a named fragment", { kind: "Sequence", nodes: [fetch("retail", `{ ...p } fragment p on Query { product(sku: "SKU-0001") { __typename sku } }`), { kind: "Flatten", path: ["product"], node: categoryOf() }] }],
    ["extends objects the earlier fetch does not return", { kind: "Sequence", nodes: [productRoot(), { kind: "Flatten", path: ["products", "items", "@"], node: categoryOf() }] }],
  ])("keeps the fetch when it %s", (_, node) => {
    const original = plan(node);
    expect(foldFetches(original, keys, schema)).toBe(original);
  });

  it("does not fold into a mutation", () => {
    const write = fetch("retail", `mutation { placeOrder(customerId: "C000001", lines: []) { __typename id } }`, undefined, "mutation");
    const original = plan({ kind: "Sequence", nodes: [write, { kind: "Flatten", path: ["placeOrder"], node: categoryOf() }] });
    expect(foldFetches(original, keys, schema)).toBe(original);
  });
});
