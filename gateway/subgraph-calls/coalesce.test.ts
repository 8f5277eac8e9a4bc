import { type ExecutionResult, buildSchema, graphql, parse, validate } from "graphql";
import { Coalescer, type SubgraphRequest, type SubgraphResponse, coalesce } from "./coalesce";

/**
 * The merged request against a real graphql-js schema: each set of fetches
 * is executed one by one and merged, and the split answer must be the one
 * each fetch had alone (data, with its key order, and errors' messages and
 * paths).
 */
const schema = buildSchema(`
  scalar _Any
  union _Entity = Product | Customer
  type Query {
    _entities(representations: [_Any!]!): [_Entity]!
    customer(id: ID!): Customer
    product(id: ID!): Product
    failing(id: ID!): String!
  }
  type Product { id: ID! name: String price(customerId: ID): Price }
  type Price { final: Money! list: Money }
  type Money { amount: Float! currency: String! }
  type Customer { id: ID! name: String tier: String! favourite: Product }
`);

// p3 has no currency: Money.currency errors and nulls its way up to Product.price.
const PRODUCTS: Record<string, { name: string; amount: number; currency: string | null }> = {
  p1: { name: "Kettle", amount: 10, currency: "EUR" },
  p2: { name: "Toaster", amount: 20, currency: "EUR" },
  p3: { name: "Grill", amount: 30, currency: null },
};
// c3 has no tier: Customer.tier errors and nulls the root field that reached it.
const CUSTOMERS: Record<string, { name: string | null; tier: string | null; favourite: string }> = {
  c1: { name: "Ada", tier: "gold", favourite: "p1" },
  c2: { name: "Bob", tier: "silver", favourite: "p2" },
  c3: { name: "Cy", tier: null, favourite: "p3" },
};

const product = (id: string) => {
  const row = PRODUCTS[id];
  if (!row) return null;
  return {
    __typename: "Product",
    id,
    name: row.name,
    price({ customerId }: { customerId?: string }) {
      if (customerId === "blocked") throw new Error(`no price for ${customerId}`);
      const factor = customerId === "c2" ? 0.9 : 1;
      return { final: { amount: row.amount * factor, currency: row.currency }, list: { amount: row.amount, currency: row.currency } };
    },
  };
};
const customer = (id: string) => {
  const row = CUSTOMERS[id];
  return row ? { __typename: "Customer", id, name: row.name, tier: row.tier, favourite: () => product(row.favourite) } : null;
};
const rootValue = {
  _entities: ({ representations }: { representations: Array<{ __typename: string; id: string }> }) => representations.map((representation) => (representation.__typename === "Product" ? product(representation.id) : customer(representation.id))),
  customer: ({ id }: { id: string }) => customer(id),
  product: ({ id }: { id: string }) => product(id),
  failing: ({ id }: { id: string }) => {
    if (id === "boom") throw new Error("boom");
    return `ok ${id}`;
  },
};

/** The answer as it would come over HTTP. */
const run = async (request: SubgraphRequest): Promise<SubgraphResponse> => {
  const result: ExecutionResult = await graphql({ schema, rootValue, source: request.query, variableValues: request.variables, operationName: request.operationName });
  return JSON.parse(JSON.stringify(result)) as SubgraphResponse;
};
const comparable = (response: SubgraphResponse) => ({
  data: JSON.stringify(response.data),
  errors: response.errors?.map(({ message, path }) => ({ message, path })),
});

const entities = (...refs: string[]) => refs.map((ref) => ({ __typename: ref.startsWith("p") ? "Product" : "Customer", id: ref }));

const SETS: Record<string, SubgraphRequest[]> = {
  "two _entities fetches: same field, same variable names, same fragment name": [
    {
      query: "query Op__promotions__1($representations:[_Any!]!,$id:ID){_entities(representations:$representations){...F}} fragment F on Product{name price(customerId:$id){final{amount currency}}}",
      variables: { representations: entities("p1", "p3", "p2"), id: "c2" },
    },
    {
      query: "query Op__promotions__2($representations:[_Any!]!,$id:ID){_entities(representations:$representations){...on Product{...F}}} fragment F on Product{id price(customerId:$id){list{amount}}}",
      variables: { representations: entities("p2", "p1"), id: "blocked" },
    },
  ],
  "other root fields: aliases, __typename, @include/@skip, null propagation to the root": [
    { query: 'query A($id:ID!,$withName:Boolean!){__typename c:customer(id:$id){id name @include(if:$withName) tier} customer(id:"c1"){id}}', variables: { id: "c3", withName: true } },
    {
      query: "query B($id:ID!,$withName:Boolean!,$skipTier:Boolean=false){customer(id:$id){name @include(if:$withName) tier @skip(if:$skipTier) favourite{...P}}} fragment P on Product{id name}",
      variables: { id: "c1", withName: false, skipTier: true },
    },
    { query: '{product(id:"p1"){name}}' },
  ],
  "fragments and inline fragments at the root": [
    {
      query: 'query R($id:ID!,$more:Boolean!){...Root ... on Query @include(if:$more){product(id:"p2"){name}} ...Root} fragment Root on Query{customer(id:$id){...C} ...Inner} fragment Inner on Query{__typename} fragment C on Customer{name}',
      variables: { id: "c2", more: false },
    },
    { query: "query R($id:ID!,$more:Boolean!){... @skip(if:$more){customer(id:$id){name tier}} ...Root @include(if:$more)} fragment Root on Query{product(id:$id){name}}", variables: { id: "p1", more: true } },
  ],
  "four fetches, one whose keys come in another order than written": [
    { query: 'query S($s:Boolean!){a:product(id:"p1")@skip(if:$s){name} b:product(id:"p2"){name} a:product(id:"p1"){name}}', variables: { s: true } },
    { query: 'query{failing(id:"fine") customer(id:"c3"){favourite{price{final{amount currency}}}}}' },
    { query: "query($r:[_Any!]!){_entities(representations:$r){...on Customer{name tier}}}", variables: { r: entities("c1", "c3", "c9") } },
    { query: "query($r:[_Any!]!){_entities(representations:$r){__typename}}", variables: { r: entities("p1") } },
  ],
};

describe("coalesce", () => {
  it.each(Object.entries(SETS))("answers as if sent apart: %s", async (_name, requests) => {
    const alone = await Promise.all(requests.map(run));
    const merged = coalesce(requests);
    expect(validate(schema, parse(merged.request.query))).toEqual([]);
    const parts = merged.split(await run(merged.request));
    expect(parts.map(comparable)).toEqual(alone.map(comparable));
  });

  it("renames variables apart and sends only the declared ones", () => {
    const { request } = coalesce([
      { query: "query($id:ID){customer(id:$id){name}}", variables: { id: "c1", stray: 1 } },
      { query: "query($id:ID){customer(id:$id){name}}", variables: { id: "c2" } },
    ]);
    expect(request.variables).toEqual({ _0_id: "c1", _1_id: "c2" });
  });

  it("writes the merged document compactly and names it after the first fetch", () => {
    const { request } = new Coalescer().coalesce([
      { query: "query Op__promotions__1($id:ID!){c:customer(id:$id){...F}} fragment F on Customer{name}" },
      { query: "query Op__promotions__2($id:ID!){customer(id:$id){...F}} fragment F on Customer{tier}" },
    ]);
    expect(request.operationName).toBe("Op__promotions__1__x2");
    expect(request.query).toBe("query Op__promotions__1__x2($_0_id:ID!$_1_id:ID!){_0_c:customer(id:$_0_id){..._0_F}_1_customer:customer(id:$_1_id){..._1_F}}fragment _0_F on Customer{name}fragment _1_F on Customer{tier}");
  });

  it("gives every fetch null data when a non-null root field of one of them nulls the whole answer", async () => {
    const requests = [{ query: '{failing(id:"boom")}' }, { query: '{product(id:"p1"){name}}' }];
    const merged = coalesce(requests);
    const [failed, other] = merged.split(await run(merged.request));
    expect(comparable(failed)).toEqual(comparable(await run(requests[0])));
    // The other fetch would have succeeded alone; it is told why it did not.
    expect(other.data).toBeNull();
    expect(other.errors).toEqual([expect.objectContaining({ message: "boom" })]);
    expect(other.errors?.[0].path).toBeUndefined();
  });

  it("fails every fetch, without data, on a request error", async () => {
    const merged = coalesce([{ query: "query($id:ID!){customer(id:$id){name}}", variables: { id: "c1" } }, { query: "query($id:ID!){customer(id:$id){name}}" }]);
    const parts = merged.split(await run(merged.request));
    for (const part of parts) {
      expect(part).not.toHaveProperty("data");
      expect(part.errors).toHaveLength(1);
    }
  });

  it("copies errors it cannot place to every fetch and hands every fetch the extensions", () => {
    const merged = coalesce([{ query: "{a:product(id:1){name}}" }, { query: "{product(id:2){name}}" }]);
    const extensions = { cost: 3 };
    const parts = merged.split({
      data: { _0_a: { name: "A" }, _1_product: null, stray: 1 },
      errors: [{ message: "mine", path: ["_1_product", "name"] }, { message: "unplaced", path: ["elsewhere"] }, { message: "global" }],
      extensions,
    });
    expect(parts).toEqual([
      { data: { a: { name: "A" } }, errors: [{ message: "unplaced", path: ["elsewhere"] }, { message: "global" }], extensions },
      { data: { product: null }, errors: [{ message: "mine", path: ["product", "name"] }, { message: "unplaced", path: ["elsewhere"] }, { message: "global" }], extensions },
    ]);
    expect(parts[0].extensions).toBe(extensions);
  });

  it("passes a lone request through unread", () => {
    const request = { query: "not even GraphQL" };
    const response = { data: { x: 1 } };
    const one = coalesce([request]);
    expect(one.request).toBe(request);
    expect(one.split(response)).toEqual([response]);
  });

  it.each([
    ["a mutation", "mutation{customer(id:1){name}}", /fetch 1 is a mutation/],
    ["a subscription", "subscription{customer(id:1){name}}", /fetch 1 is a subscription/],
    ["two operations", "query A{product(id:1){name}} query B{product(id:2){name}}", /more than one operation/],
    ["a directive on the operation", "query A @cached{product(id:1){name}}", /directives on its operation/],
    ["a type definition", "type T{a:Int}", /holds a ObjectTypeDefinition/],
  ])("refuses %s", (_name, query, message) => {
    expect(() => new Coalescer().coalesce([{ query: '{product(id:"p1"){name}}' }, { query }])).toThrow(message);
  });

  it("builds each merged document once, and deterministically", () => {
    const sets = ["p1", "p2", "p3"].map((id) => [{ query: `{product(id:"${id}"){name}}` }, { query: "{__typename}" }]);
    const [a, b, c] = sets;
    const coalescer = new Coalescer(2);
    const first = coalescer.coalesce(a).request.query;
    expect(coalescer.coalesce(a).request.query).toBe(first);
    expect(new Coalescer().coalesce(a).request.query).toBe(first);
    expect(coalescer.misses).toBe(1);

    // Least recently used goes first: a was used after b, so c evicts b.
    coalescer.coalesce(b);
    coalescer.coalesce(a);
    coalescer.coalesce(c);
    expect(coalescer.misses).toBe(3);
    coalescer.coalesce(a);
    expect(coalescer.misses).toBe(3);
    coalescer.coalesce(b);
    expect(coalescer.misses).toBe(4);
  });
});
