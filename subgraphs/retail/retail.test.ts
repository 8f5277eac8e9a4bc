import { countStatements, tempSiloDir } from "../../test/support/silo";
import { execute } from "../../test/support/execute";
import { type RetailContext, unit } from "./unit";
import { type UnitServer, unpackTouchPoints } from "../../kit/subgraph";

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Product { sku name category listPrice { amount currency } }
  ... on Order { id placedAt channel total { amount currency } customer { id } }
  ... on Customer { id }
  ... on Quote { id basket { sku quantity category listPrice { amount currency } } } } }`;

const CUSTOMER_SLICE = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer {
  id
  orders { id placedAt lines { quantity product { name } } }
  loyalty { tier }
  retailTouchPoints } } }`;

const toMinor = (amount: string) => Math.round(Number(amount) * 100);

describe("retail subgraph over a fresh SQLite silo", () => {
  const silo = tempSiloDir();
  let retail: UnitServer<RetailContext>;

  beforeAll(async () => {
    retail = await unit.create(unit.loadConfig({ RETAIL_DB_URL: silo.url("retail") }));
  });
  afterAll(async () => {
    await retail.db.destroy();
    silo.cleanup();
  });

  it("answers a Gold member's loyalty, orders and touch points in the graph's language", async () => {
    const { data, errors } = await execute(
      retail.subgraph,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id
         loyalty { memberId tier points joinedAt }
         orders { id placedAt channel total { amount currency } lines { quantity unitPrice { amount } lineTotal { amount } product { sku name } } customer { id } }
         retailTouchPoints } } }`,
      { r: [{ __typename: "Customer", id: "C000001" }] },
    );
    expect(errors).toBeUndefined();
    const maria = data!._entities[0];
    expect(maria.loyalty).toEqual({ memberId: expect.stringMatching(/^M\d{7}$/), tier: "GOLD", points: 18450, joinedAt: "2023-03-14T10:30:00.000Z" });
    expect(maria.orders.length).toBeGreaterThan(0);
    const [order] = maria.orders;
    expect(order).toMatchObject({ placedAt: "2026-10-03T14:12:00.000Z", customer: { id: "C000001" }, total: { currency: "EUR" } });
    expect(order.lines.reduce((s: number, l: { lineTotal: { amount: string } }) => s + toMinor(l.lineTotal.amount), 0)).toBe(toMinor(order.total.amount));
    for (const line of order.lines) expect(toMinor(line.lineTotal.amount)).toBe(toMinor(line.unitPrice.amount) * line.quantity);

    const items = order.lines.reduce((s: number, l: { quantity: number }) => s + l.quantity, 0);
    // One JSON text: [at, channel, kind, summary, ref] per touch point, the unit implied (kit/subgraph/touch-points.ts).
    expect(JSON.parse(maria.retailTouchPoints)).toEqual([
      [order.placedAt, order.channel, "order", `Order ${order.id} placed: ${items} item${items === 1 ? "" : "s"}, ${order.total.amount} EUR`, order.id],
      ["2023-03-14T10:30:00.000Z", null, "loyalty", "Joined the loyalty programme (GOLD)", maria.loyalty.memberId],
    ]);
    expect(unpackTouchPoints(maria.retailTouchPoints, "RETAIL")[1]).toEqual({ at: "2023-03-14T10:30:00.000Z", unit: "RETAIL", channel: null, kind: "loyalty", summary: "Joined the loyalty programme (GOLD)", ref: maria.loyalty.memberId });
  });

  it("lists a customer's orders newest first, at most `first`, and rejects an out-of-range first", async () => {
    const [busiest]: { customer_code: string }[] = await retail.db("rt_order").select("customer_code").groupBy("customer_code").orderByRaw("count(*) desc, customer_code").limit(1);
    const query = `query($r: [_Any!]!, $first: Int!) { _entities(representations: $r) { ... on Customer { orders(first: $first) { id placedAt } } } }`;
    const r = [{ __typename: "Customer", id: busiest.customer_code }];
    const { data, errors } = await execute(retail.subgraph, query, { r, first: 3 });
    expect(errors).toBeUndefined();
    const placed = data!._entities[0].orders.map((o: { placedAt: string }) => o.placedAt);
    expect(placed).toHaveLength(3);
    expect([...placed].sort().reverse()).toEqual(placed);

    const tooMany = await execute(retail.subgraph, query, { r, first: 101 });
    expect(tooMany.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", unit: "retail" });
  });

  it("walks all 200 products with cursors, in SKU order", async () => {
    const skus: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const { data, errors } = await execute(retail.subgraph, `query($after: String) { products(first: 64, after: $after) { items { sku } totalCount endCursor hasNextPage } }`, { after });
      expect(errors).toBeUndefined();
      const result: { items: { sku: string }[]; totalCount: number; endCursor: string | null; hasNextPage: boolean } = data!.products;
      expect(result.totalCount).toBe(200);
      skus.push(...result.items.map((p) => p.sku));
      if (!result.hasNextPage) break;
      after = result.endCursor;
    }
    expect(skus).toHaveLength(200);
    expect(new Set(skus).size).toBe(200);
    expect([...skus].sort()).toEqual(skus);
  });

  it("filters products by category and lists the categories", async () => {
    const { data, errors } = await execute(retail.subgraph, `{ categories products(category: "Books", first: 100) { items { category listPrice { amount currency } } totalCount hasNextPage } }`);
    expect(errors).toBeUndefined();
    expect(data!.categories).toEqual([...data!.categories].sort());
    expect(data!.categories).toContain("Books");
    expect(data!.products.totalCount).toBe(data!.products.items.length);
    expect(data!.products.hasNextPage).toBe(false);
    expect(data!.products.items.length).toBeGreaterThan(0);
    for (const p of data!.products.items) {
      expect(p.category).toBe("Books");
      expect(p.listPrice.amount).toMatch(/^\d+\.\d{2}$/);
    }
    const none = await execute(retail.subgraph, `{ products(category: "Spaceships") { items { sku } totalCount endCursor hasNextPage } }`);
    expect(none.data!.products).toEqual({ items: [], totalCount: 0, endCursor: null, hasNextPage: false });
  });

  it("rejects a malformed cursor and an out-of-range page size as bad user input", async () => {
    for (const query of [`{ products(after: "not a cursor!") { totalCount } }`, `{ products(first: 0) { totalCount } }`]) {
      const { data, errors } = await execute(retail.subgraph, query);
      expect(data?.products ?? null).toBeNull();
      expect(errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", unit: "retail" });
    }
  });

  it("resolves a mixed batch of entity representations, null in place of unknown products and orders", async () => {
    const { data, errors } = await execute(retail.subgraph, ENTITIES, {
      r: [
        { __typename: "Product", sku: "SKU-0001" },
        { __typename: "Product", sku: "SKU-9999" },
        { __typename: "Order", id: "ORD-0000001" },
        { __typename: "Order", id: "ORD-9999999" },
        { __typename: "Customer", id: "C000002" },
        { __typename: "Customer", id: "C999999" },
        { __typename: "Product", sku: "SKU-0200" },
      ],
    });
    expect(errors).toBeUndefined();
    const entities = data!._entities;
    expect(entities[0]).toMatchObject({ sku: "SKU-0001", listPrice: { currency: "EUR" } });
    expect(entities[1]).toBeNull();
    expect(entities[2]).toMatchObject({ id: "ORD-0000001", placedAt: expect.stringMatching(/Z$/), customer: { id: expect.stringMatching(/^C\d{6}$/) } });
    expect(entities[3]).toBeNull();
    // Retail serves its slice for any id; whether the customer exists is billing's answer.
    expect(entities[4]).toEqual({ id: "C000002" });
    expect(entities[5]).toEqual({ id: "C999999" });
    expect(entities[6]).toMatchObject({ sku: "SKU-0200" });
  });

  it("resolves a quote id to its basket with list prices, in line order", async () => {
    const products = await execute(retail.subgraph, `{ a: product(sku: "SKU-0001") { category listPrice { amount currency } } b: product(sku: "SKU-0002") { category listPrice { amount currency } } }`);
    const id = "C000001|SKU-0002*1,SKU-0001*2";
    const { data, errors } = await execute(retail.subgraph, ENTITIES, { r: [{ __typename: "Quote", id }] });
    expect(errors).toBeUndefined();
    expect(data!._entities[0]).toEqual({
      id,
      basket: [
        { sku: "SKU-0002", quantity: 1, ...products.data!.b },
        { sku: "SKU-0001", quantity: 2, ...products.data!.a },
      ],
    });
  });

  it("fails a quote with an unknown product as not found, and a malformed quote id as bad input", async () => {
    const unknown = await execute(retail.subgraph, ENTITIES, { r: [{ __typename: "Quote", id: "-|SKU-0001*1,SKU-9999*1" }] });
    expect(unknown.errors?.[0]).toMatchObject({ message: "unknown product SKU-9999", extensions: { code: "NOT_FOUND", unit: "retail" } });
    const malformed = await execute(retail.subgraph, ENTITIES, { r: [{ __typename: "Quote", id: "SKU-0001x2" }] });
    expect(malformed.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", unit: "retail" });
  });

  it("runs the same number of statements for 2 customers as for 30", async () => {
    const run = async (n: number) => {
      const r = Array.from({ length: n }, (_, i) => ({ __typename: "Customer", id: `C${String(i + 1).padStart(6, "0")}` }));
      const statements = countStatements(retail.db);
      const { data, errors } = await execute(retail.subgraph, CUSTOMER_SLICE, { r });
      statements.stop();
      expect(errors).toBeUndefined();
      expect(data!._entities).toHaveLength(n);
      return statements.count;
    };
    const few = await run(2);
    const many = await run(30);
    expect(many).toBe(few);
    // Orders (one statement for both page sizes: the field's and the touch points'), lines, products, loyalty.
    expect(few).toBe(4);
  });

  it("answers a customer's newest orders with their touch points as it answers each alone", async () => {
    const r = ["C000035", "C000002"].map((id) => ({ __typename: "Customer", id }));
    const entities = (fields: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id ${fields} } } }`;
    const list = await execute(retail.subgraph, entities("orders(first: 3) { id placedAt total { amount } }"), { r });
    const part = await execute(retail.subgraph, entities("retailTouchPoints"), { r });
    const both = await execute(retail.subgraph, entities("orders(first: 3) { id placedAt total { amount } } retailTouchPoints"), { r });
    expect(both.errors).toBeUndefined();
    expect(both.data!._entities).toEqual(list.data!._entities.map((c: object, i: number) => ({ ...c, ...part.data!._entities[i] })));
    expect(list.data!._entities[0].orders).toHaveLength(3);
    expect(unpackTouchPoints(part.data!._entities[0].retailTouchPoints, "RETAIL").length).toBeGreaterThan(3);
  });

  it("hands other units a loyalty standing that is never null when retail answers, and answers me from the token", async () => {
    const standing = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { loyalty { tier } loyaltyStanding { tier } } } }`;
    const { data, errors } = await execute(retail.subgraph, standing, {
      r: [
        { __typename: "Customer", id: "C000001" },
        { __typename: "Customer", id: "C000003" },
      ],
    });
    expect(errors).toBeUndefined();
    // A non-member: loyalty is null, the standing says so (null means only "retail did not answer").
    expect(data!._entities).toEqual([
      { loyalty: { tier: "GOLD" }, loyaltyStanding: { tier: "GOLD" } },
      { loyalty: null, loyaltyStanding: { tier: null } },
    ]);
    const me = await execute(retail.subgraph, `{ me { id loyalty { tier } } }`, undefined, { identity: { role: "customer", subject: "C000001", customerId: "C000001" } });
    expect(me).toEqual({ data: { me: { id: "C000001", loyalty: { tier: "GOLD" } } } });
  });

  it("shows a change in the silo on the very next request, and names the unit when a row cannot be mapped", async () => {
    await retail.db("rt_loyalty").where({ customer_code: "C000002" }).update({ points_balance: 4321 });
    const fresh = await execute(retail.subgraph, CUSTOMER_SLICE.replace("loyalty { tier }", "loyalty { tier points }"), { r: [{ __typename: "Customer", id: "C000002" }] });
    expect(fresh.data!._entities[0].loyalty).toEqual({ tier: "SILVER", points: 4321 });

    await retail.db("rt_order").insert({ order_no: "ORD-BROKEN", customer_code: "C000004", placed_utc: "2026-10-31 23:00:00", sales_channel: "fax" });
    const { data, errors } = await execute(retail.subgraph, CUSTOMER_SLICE, { r: [{ __typename: "Customer", id: "C000004" }] });
    // Only the fields that read the row fail; the customer and retail's other fields stand.
    expect(data!._entities[0]).toMatchObject({ id: "C000004", orders: null });
    expect(errors?.[0].message).toMatch(/^retail silo, order ORD-BROKEN: unknown sales_channel "fax"/);
    expect(errors?.[0].extensions).toMatchObject({ code: "SILO_DATA_INVALID", unit: "retail" });
    await retail.db("rt_order").where({ order_no: "ORD-BROKEN" }).delete();
  });
});
