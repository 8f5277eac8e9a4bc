import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Supergraph } from "@apollo/federation-internals";
import { type OperationDefinitionNode, buildSchema, parse } from "graphql";
import { cacheHintsOf, policyOfAnswer, stricter } from "./cache-policy";

// The committed supergraph: the units' own hints, as composition kept them.
const sdl = readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8");
const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
const hints = cacheHintsOf(sdl);

const policyOf = (query: string, data: unknown) => {
  const document = parse(query);
  return policyOfAnswer(schema, hints, document, document.definitions[0] as OperationDefinitionNode, data);
};

describe("each answer's cache policy", () => {
  it("keeps catalogue data (names, categories, pages) public for the units' max-age", () => {
    expect(
      policyOf(`{ product(sku: "S") { sku name category } categories }`, {
        product: { sku: "S", name: "n", category: "c" },
        categories: ["c"],
      }),
    ).toEqual({ kind: "public", maxAge: 60 });
    expect(
      policyOf(`{ products { items { name } totalCount } }`, {
        products: { items: [{ name: "n" }], totalCount: 1 },
      }),
    ).toEqual({ kind: "public", maxAge: 60 });
  });

  it("revalidates anything priced, Money taking the hint of the field that returns it", () => {
    expect(
      policyOf(`{ product(sku: "S") { name listPrice { amount } } }`, {
        product: { name: "n", listPrice: { amount: "1.00" } },
      }),
    ).toEqual({ kind: "revalidate" });
    expect(
      policyOf(`query { offer(code: "X") { title } }`, {
        offer: { title: "t" },
      }),
    ).toEqual({ kind: "revalidate" });
  });

  it("counts only the fields the answer carries (a fragment's field on a null object does not)", () => {
    const query = `{ product(sku: "S") { name ...P } } fragment P on Product { listPrice { amount } }`;
    expect(policyOf(query, { product: { name: "n" } })).toEqual({
      kind: "public",
      maxAge: 60,
    });
    expect(policyOf(query, { product: { name: "n", listPrice: { amount: "1" } } })).toEqual({ kind: "revalidate" });
  });

  it("keeps anything about a customer, and whatever no unit declared, private", () => {
    expect(
      policyOf(`{ product(sku: "S") { name } customer(id: "C") { name } }`, {
        product: { name: "n" },
        customer: { name: "x" },
      }),
    ).toEqual({ kind: "private" });
    expect(policyOf(`{ __typename }`, { __typename: "Query" })).toEqual({
      kind: "private",
    });
    expect(policyOf(`mutation { setMarketingConsent(customerId: "C", email: true) { email } }`, { setMarketingConsent: { email: true } })).toEqual({ kind: "private" });
  });

  it("stops at the first private field: nothing after it is looked at", () => {
    const looked: string[] = [];
    const watched = (name: string, value: object) =>
      new Proxy(value, {
        has: (target, key) => (looked.push(`${name}.${String(key)}`), key in target),
      });
    const customers = () => [0, 1, 2].map((i) => watched(`customer ${i}`, { name: "x" }));
    expect(
      policyOf(
        `{ searchCustomers(text: "a") { name } product(sku: "S") { name } }`,
        watched("root", {
          searchCustomers: customers(),
          product: watched("product", { name: "n" }),
        }),
      ),
    ).toEqual({ kind: "private" });
    expect(looked).toEqual(["root.searchCustomers"]);
    // A public field first is looked at; the private one after it settles the answer.
    looked.length = 0;
    expect(
      policyOf(
        `{ product(sku: "S") { name } searchCustomers(text: "a") { name } }`,
        watched("root", {
          product: watched("product", { name: "n" }),
          searchCustomers: customers(),
        }),
      ),
    ).toEqual({ kind: "private" });
    expect(looked).toEqual(["root.product", "product.name", "root.searchCustomers"]);
  });

  it("walks each object of an abstract type as the type its __typename names, with the fragments that apply to it", () => {
    const unionSdl = `
      directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
      enum CacheControlScope { PUBLIC PRIVATE }
      type Query { items: [Item!]! @cacheControl(maxAge: 60) }
      union Item = Book | Note
      type Book { title: String price: Price }
      type Price @cacheControl(maxAge: 0) { amount: String }
      type Note { text: String secret: String @cacheControl(scope: PRIVATE) }
    `;
    const unionSchema = buildSchema(unionSdl);
    const unionHints = cacheHintsOf(unionSdl);
    const document = parse(`{ items { ... on Book { t: title price { amount } } ...N } } fragment N on Note { text secret }`);
    const policy = (data: unknown) => policyOfAnswer(unionSchema, unionHints, document, document.definitions[0] as OperationDefinitionNode, data);
    const book = { __typename: "Book", t: "x" };
    expect(policy({ items: [book, { __typename: "Note", text: "n" }] })).toEqual({ kind: "public", maxAge: 60 });
    expect(policy({ items: [book, { ...book, price: { amount: "1" } }] })).toEqual({ kind: "revalidate" });
    expect(policy({ items: [book, { __typename: "Note", text: "n", secret: "s" }] })).toEqual({ kind: "private" });
    // Compiled once per operation: the same document over other answers is read afresh.
    expect(policy({ items: [] })).toEqual({ kind: "public", maxAge: 60 });
  });

  it("lets the strictest policy win, and the shorter of two max-ages", () => {
    expect(stricter({ kind: "public", maxAge: 60 }, { kind: "public", maxAge: 5 })).toEqual({ kind: "public", maxAge: 5 });
    expect(stricter({ kind: "revalidate" }, { kind: "public", maxAge: 5 })).toEqual({ kind: "revalidate" });
    expect(stricter({ kind: "revalidate" }, { kind: "private" })).toEqual({
      kind: "private",
    });
  });
});
