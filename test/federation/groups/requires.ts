import { GraphQLError } from "graphql";
import { type ConformanceGroup, type SubgraphFixture, gql, link } from "../harness/fixture";

/*
 * @requires, plain and chained: shipping prices a parcel from the product's
 * weight and price (owned by products); insurance prices cover from the
 * shipping cost, itself a required field, so the gateway must run products →
 * shipping → insurance in that order, with each step's output in the next
 * step's representations.
 */

const products = [
  { sku: "P1", name: "Kettle", price: 2500, weight: 1200 },
  { sku: "P2", name: "Mug", price: 800, weight: 300 },
];

/** Resolvers of a requiring subgraph read only what the gateway sent; a missing requirement is an error, never a guess. */
function required<T>(entity: Record<string, unknown>, field: string): T {
  const value = entity[field];
  if (value === undefined || value === null) throw new GraphQLError(`${field} of ${String(entity.sku)} was not provided`, { extensions: { code: "MISSING_REQUIREMENT" } });
  return value as T;
}

export const requires: ConformanceGroup = {
  name: "requires",
  subgraphs: (): SubgraphFixture[] => [
    {
      name: "products",
      typeDefs: gql`
        ${link(["@key"])}
        type Query {
          products: [Product!]!
        }
        type Product @key(fields: "sku") {
          sku: ID!
          name: String!
          price: Int!
          weight: Int!
        }
      `,
      resolvers: {
        Query: { products: () => products },
        Product: { __resolveReference: (ref: { sku: string }) => products.find((p) => p.sku === ref.sku) ?? null },
      },
    },
    {
      name: "shipping",
      typeDefs: gql`
        ${link(["@key", "@external", "@requires"])}
        type Query {
          lightest: Product
        }
        type Product @key(fields: "sku") {
          sku: ID!
          price: Int! @external
          weight: Int! @external
          shippingCost: Int! @requires(fields: "weight")
          freeShipping: Boolean! @requires(fields: "price weight")
        }
      `,
      resolvers: {
        Query: { lightest: () => ({ sku: "P2" }) },
        Product: {
          // 2 cents a gram over a flat 200.
          shippingCost: (p: Record<string, unknown>) => 200 + required<number>(p, "weight") / 10,
          freeShipping: (p: Record<string, unknown>) => required<number>(p, "price") >= 2000 && required<number>(p, "weight") <= 2000,
        },
      },
    },
    {
      name: "insurance",
      typeDefs: gql`
        ${link(["@key", "@external", "@requires"])}
        type Product @key(fields: "sku") {
          sku: ID!
          shippingCost: Int! @external
          insuredShippingCost: Int! @requires(fields: "shippingCost")
        }
      `,
      resolvers: {
        Product: { insuredShippingCost: (p: Record<string, unknown>) => required<number>(p, "shippingCost") + 50 },
      },
    },
  ],
  cases: [
    {
      id: "one-field",
      behaviour: "@requires: one field",
      query: gql`
        {
          products {
            name
            shippingCost
          }
        }
      `,
      expected: {
        data: {
          products: [
            { name: "Kettle", shippingCost: 320 },
            { name: "Mug", shippingCost: 230 },
          ],
        },
      },
    },
    {
      id: "two-fields",
      behaviour: "@requires: one field",
      query: gql`
        {
          products {
            sku
            freeShipping
          }
        }
      `,
      expected: {
        data: {
          products: [
            { sku: "P1", freeShipping: true },
            { sku: "P2", freeShipping: false },
          ],
        },
      },
    },
    {
      id: "chain",
      behaviour: "@requires: chain",
      query: gql`
        {
          products {
            insuredShippingCost
          }
        }
      `,
      expected: { data: { products: [{ insuredShippingCost: 370 }, { insuredShippingCost: 280 }] } },
    },
    {
      id: "chain-with-middle",
      behaviour: "@requires: chain",
      query: gql`
        {
          products {
            sku
            shippingCost
            insuredShippingCost
            freeShipping
          }
        }
      `,
      expected: {
        data: {
          products: [
            { sku: "P1", shippingCost: 320, insuredShippingCost: 370, freeShipping: true },
            { sku: "P2", shippingCost: 230, insuredShippingCost: 280, freeShipping: false },
          ],
        },
      },
    },
    {
      // The root is in shipping, which cannot answer its own field without products' weight first.
      id: "from-requiring-subgraph",
      behaviour: "@requires: one field",
      query: gql`
        {
          lightest {
            sku
            shippingCost
          }
        }
      `,
      expected: { data: { lightest: { sku: "P2", shippingCost: 230 } } },
    },
    {
      id: "chain-from-requiring-subgraph",
      behaviour: "@requires: chain",
      query: gql`
        {
          lightest {
            name
            insuredShippingCost
          }
        }
      `,
      expected: { data: { lightest: { name: "Mug", insuredShippingCost: 280 } } },
    },
  ],
};
