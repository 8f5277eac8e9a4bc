import { GraphQLError } from "graphql";
import { type ConformanceGroup, type SubgraphFixture, gql, link } from "../harness/fixture";

/*
 * @inaccessible: the ERP's cost price, an internal enum value, an internal
 * argument and an audit type exist in the supergraph but not in the API
 * clients see. A client cannot select or pass them (validation, before any
 * subgraph is asked), while the gateway still uses the cost price to feed
 * the shop's margin (@requires) and the internal id as a key.
 */

const products = [
  { sku: "K1", internalId: "erp-1", name: "Kettle", price: 40, cost: 25, channel: "RETAIL" },
  { sku: "K2", internalId: "erp-2", name: "Toaster", price: 60, cost: 51, channel: "STAFF" },
];

export const inaccessible: ConformanceGroup = {
  name: "inaccessible",
  subgraphs: (): SubgraphFixture[] => [
    {
      name: "erp",
      typeDefs: gql`
        ${link(["@key", "@inaccessible"])}
        type Query {
          products(channel: Channel = RETAIL, includeArchived: Boolean @inaccessible): [Product!]!
          lastAudit: AuditRecord @inaccessible
        }
        enum Channel {
          RETAIL
          STAFF @inaccessible
        }
        type Product @key(fields: "sku") @key(fields: "internalId") {
          sku: ID!
          internalId: ID! @inaccessible
          name: String!
          costPrice: Int! @inaccessible
        }
        type AuditRecord @inaccessible {
          at: String!
        }
      `,
      resolvers: {
        Query: {
          products: (_: unknown, args: { channel: string }) => products.filter((p) => p.channel === args.channel),
          lastAudit: () => ({ at: "2024-01-01T00:00:00Z" }),
        },
        Product: {
          __resolveReference: (ref: { sku?: string; internalId?: string }) => products.find((p) => p.sku === ref.sku || p.internalId === ref.internalId) ?? null,
          costPrice: (p: (typeof products)[number]) => p.cost,
        },
      },
    },
    {
      name: "shop",
      typeDefs: gql`
        ${link(["@key", "@external", "@requires", "@inaccessible"])}
        type Product @key(fields: "internalId") {
          internalId: ID! @inaccessible
          price: Int!
          costPrice: Int! @external
          margin: Int! @requires(fields: "costPrice")
        }
      `,
      resolvers: {
        Product: {
          __resolveReference: (ref: { internalId: string; costPrice?: number }) => {
            const product = products.find((p) => p.internalId === ref.internalId);
            return product ? { internalId: product.internalId, price: product.price, costPrice: ref.costPrice } : null;
          },
          margin: (p: { internalId: string; price: number; costPrice?: number }) => {
            if (typeof p.costPrice !== "number") throw new GraphQLError(`the cost price of ${p.internalId} was not provided`, { extensions: { code: "MISSING_REQUIREMENT" } });
            return p.price - p.costPrice;
          },
        },
      },
    },
  ],
  cases: [
    {
      id: "used-behind-the-scenes",
      behaviour: "@inaccessible: hidden, still used for keys and @requires",
      query: gql`
        {
          products {
            sku
            name
            price
            margin
          }
        }
      `,
      expected: { data: { products: [{ sku: "K1", name: "Kettle", price: 40, margin: 15 }] } },
    },
    {
      id: "field-not-selectable",
      behaviour: "@inaccessible: hidden, still used for keys and @requires",
      query: gql`
        {
          products {
            sku
            costPrice
          }
        }
      `,
      // The suggestion names only what clients may see.
      expected: { errors: [{ message: 'Cannot query field "costPrice" on type "Product". Did you mean "price"?', code: "GRAPHQL_VALIDATION_FAILED" }] },
    },
    {
      id: "argument-not-accepted",
      behaviour: "@inaccessible: hidden, still used for keys and @requires",
      query: gql`
        {
          products(includeArchived: true) {
            sku
          }
        }
      `,
      expected: { errors: [{ message: 'Unknown argument "includeArchived" on field "Query.products".', code: "GRAPHQL_VALIDATION_FAILED" }] },
    },
    {
      id: "enum-value-not-accepted",
      behaviour: "@inaccessible: hidden, still used for keys and @requires",
      query: gql`
        {
          products(channel: STAFF) {
            sku
          }
        }
      `,
      expected: { errors: [{ message: 'Value "STAFF" does not exist in "Channel" enum.', code: "GRAPHQL_VALIDATION_FAILED" }] },
    },
    {
      id: "type-not-in-api",
      behaviour: "@inaccessible: hidden, still used for keys and @requires",
      query: gql`
        {
          __type(name: "AuditRecord") {
            name
          }
          channel: __type(name: "Channel") {
            enumValues {
              name
            }
          }
        }
      `,
      expected: { data: { __type: null, channel: { enumValues: [{ name: "RETAIL" }] } } },
    },
  ],
};
