import { describeOnEveryDialect, expectEveryDialectToRead } from "../../test/support/dialects";
import { unit } from "./unit";

const customers = (...ids: string[]) => ids.map((id) => ({ __typename: "Customer", id }));

/** Every statement retail's repositories run, asked the same way of each dialect. */
const OPERATIONS = {
  customers: {
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id loyalty { memberId tier points joinedAt }
      orders { id placedAt channel total { amount currency } lines { quantity unitPrice { amount } lineTotal { amount } product { sku name } } }
      latest: orders(first: 1) { id } retailTouchPoints } } }`,
    variables: { r: customers("C000001", "C000002", "C000003", "C000250", "C999999") },
  },
  catalogue: { query: `{ categories first: products(first: 3) { items { sku name category listPrice { amount currency } } totalCount endCursor hasNextPage } books: products(category: "Books", first: 100) { items { sku } totalCount hasNextPage } }` },
  deepPage: { query: `{ products(first: 5, after: "U0tVLTAxOTc") { items { sku } hasNextPage } }` },
  entities: {
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { sku listPrice { amount } } ... on Order { id placedAt customer { id } } ... on Quote { id basket { sku quantity category listPrice { amount } } } } }`,
    variables: {
      r: [
        { __typename: "Product", sku: "SKU-0007" },
        { __typename: "Order", id: "ORD-0000002" },
        { __typename: "Quote", id: "C000001|SKU-0002*1,SKU-0001*2" },
      ],
    },
  },
};

describeOnEveryDialect(
  "retail",
  (url) => unit.create(unit.loadConfig({ RETAIL_DB_URL: url })),
  OPERATIONS,
  (booted) => {
    it("keeps DECIMAL prices exact and reads UTC DATETIMEs as UTC on each dialect", () =>
      expectEveryDialectToRead(
        booted(),
        async ({ server }) => {
          await server.db("rt_product").insert({ sku: "SKU-X1", title: "Exact Thing", category_name: "Exact", list_price: "99999999.99", currency_code: "EUR" });
          await server.db("rt_order").insert({ order_no: "ORD-X1", customer_code: "C900001", placed_utc: "2026-03-29 01:30:00", sales_channel: "web" });
          await server.db("rt_order_item").insert([
            { order_no: "ORD-X1", item_seq: 1, sku: "SKU-X1", qty: 3, unit_price: "0.10" },
            { order_no: "ORD-X1", item_seq: 2, sku: "SKU-X1", qty: 1, unit_price: "99999999.69" },
          ]);
        },
        {
          query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { listPrice { amount } } ... on Order { placedAt total { amount } lines { lineTotal { amount } } } } }`,
          variables: {
            r: [
              { __typename: "Product", sku: "SKU-X1" },
              { __typename: "Order", id: "ORD-X1" },
            ],
          },
        },
        {
          _entities: [{ listPrice: { amount: "99999999.99" } }, { placedAt: "2026-03-29T01:30:00.000Z", total: { amount: "99999999.99" }, lines: [{ lineTotal: { amount: "0.30" } }, { lineTotal: { amount: "99999999.69" } }] }],
        },
      ));
  },
);
