import { GraphQLError } from "graphql";
import { type ConformanceGroup, type SubgraphFixture, gql, link } from "../harness/fixture";

/*
 * Nulls on the way between subgraphs. Orders refers to products by SKU;
 * catalog maps a SKU to the internal id stock needs, and does not know every
 * SKU (it answers null for one); one order has no product at all; one
 * product is withdrawn, which catalog reports as an error. A null key or a
 * null entity must stop the chain there: the fields behind it are null
 * (nullable here), nothing is sent on with a missing key, and an error lands
 * at the path of the entity it is about.
 */

const orders = [
  { id: "o1", sku: "S1" },
  { id: "o2", sku: "S2" },
  { id: "o3", sku: "S9" },
  { id: "o4", sku: null },
  { id: "o5", sku: "S5" },
];
const catalog = [
  { sku: "S1", id: "1", name: "Desk" },
  { sku: "S2", id: "2", name: "Chair" },
  { sku: "S5", id: "5", name: "Shelf", withdrawn: true },
];
const stock = new Map([
  ["1", 4],
  ["2", 0],
  ["5", 9],
]);

export const nullEntities: ConformanceGroup = {
  name: "null-entities",
  subgraphs: (): SubgraphFixture[] => [
    {
      name: "orders",
      typeDefs: gql`
        ${link(["@key"])}
        type Query {
          orders: [Order!]!
        }
        type Order {
          id: ID!
          product: Product
        }
        type Product @key(fields: "sku") {
          sku: ID!
        }
      `,
      resolvers: {
        Query: { orders: () => orders },
        Order: { product: (o: (typeof orders)[number]) => (o.sku === null ? null : { sku: o.sku }) },
      },
    },
    {
      name: "catalog",
      typeDefs: gql`
        ${link(["@key"])}
        type Product @key(fields: "sku") @key(fields: "id") {
          sku: ID!
          id: ID!
          name: String
        }
      `,
      resolvers: {
        Product: {
          // Async, as a lookup is: a synchronous throw would fail the whole _entities list in @apollo/subgraph.
          __resolveReference: async (ref: { sku?: string; id?: string }) => {
            const product = catalog.find((p) => (ref.sku !== undefined ? p.sku === ref.sku : p.id === ref.id));
            if (product?.withdrawn) throw new GraphQLError(`product ${product.sku} is withdrawn`, { extensions: { code: "WITHDRAWN" } });
            return product ?? null;
          },
        },
      },
    },
    {
      name: "stock",
      typeDefs: gql`
        ${link(["@key"])}
        type Product @key(fields: "id") {
          id: ID!
          available: Int
        }
      `,
      resolvers: {
        Product: {
          // A representation without its key is the gateway's mistake: refuse the whole request, loudly.
          __resolveReference: (ref: { id: string | null }) => {
            if (typeof ref.id !== "string") throw new GraphQLError("a product reference without an id", { extensions: { code: "BAD_REFERENCE" } });
            return stock.has(ref.id) ? { id: ref.id } : null;
          },
          available: (p: { id: string }) => stock.get(p.id),
        },
      },
    },
  ],
  cases: [
    {
      id: "chain-stops-at-null",
      behaviour: "null keys and null entities",
      query: gql`
        {
          orders {
            id
            product {
              sku
              name
              available
            }
          }
        }
      `,
      expected: {
        data: {
          orders: [
            { id: "o1", product: { sku: "S1", name: "Desk", available: 4 } },
            { id: "o2", product: { sku: "S2", name: "Chair", available: 0 } },
            { id: "o3", product: { sku: "S9", name: null, available: null } },
            { id: "o4", product: null },
            { id: "o5", product: { sku: "S5", name: null, available: null } },
          ],
        },
        errors: [{ message: "product S5 is withdrawn", path: ["orders", 4, "product"], code: "WITHDRAWN" }],
      },
    },
    {
      id: "second-hop-only",
      behaviour: "null keys and null entities",
      query: gql`
        {
          orders {
            product {
              available
            }
          }
        }
      `,
      expected: {
        data: {
          orders: [{ product: { available: 4 } }, { product: { available: 0 } }, { product: { available: null } }, { product: null }, { product: { available: null } }],
        },
        errors: [{ message: "product S5 is withdrawn", path: ["orders", 4, "product"], code: "WITHDRAWN" }],
      },
    },
  ],
};
