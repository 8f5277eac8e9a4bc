import { GraphQLError } from "graphql";
import { type ConformanceGroup, type SubgraphFixture, gql, link } from "../harness/fixture";

/*
 * @requires selecting fields that take arguments. Pricing quotes a price in
 * a currency and a category's average price; customs needs the price in
 * euros for the duty, and in euros and in dollars for two declarations: the
 * same field with two argument values, which one representation cannot
 * carry, so the gateway needs one fetch per value. The client may also ask
 * for the price in another currency than the requirement's.
 */

const products = [
  { sku: "P1", eur: 20, weight: 2, category: { eur: 30 } },
  { sku: "P2", eur: 50, weight: 5, category: { eur: 40 } },
];

/** Euros as they are; dollars at 1.1 (whole numbers in this data). */
function inCurrency(eur: number, currency: string): number {
  if (currency === "EUR") return eur;
  if (currency === "USD") return (eur * 11) / 10;
  throw new GraphQLError(`unknown currency ${currency}`, { extensions: { code: "BAD_USER_INPUT" } });
}

function provided<T>(entity: Record<string, unknown>, field: string): T {
  const value = entity[field];
  if (value === undefined || value === null) throw new GraphQLError(`${field} of ${String(entity.sku)} was not provided`, { extensions: { code: "MISSING_REQUIREMENT" } });
  return value as T;
}

export const requiresArguments: ConformanceGroup = {
  name: "requires-arguments",
  subgraphs: (): SubgraphFixture[] => [
    {
      name: "pricing",
      typeDefs: gql`
        ${link(["@key"])}
        type Query {
          catalog: [Product!]!
        }
        type Product @key(fields: "sku") {
          sku: ID!
          price(currency: String!): Int!
          weight: Int!
          category: Category!
        }
        type Category {
          averagePrice(currency: String!): Int!
        }
      `,
      resolvers: {
        Query: { catalog: () => products },
        Product: {
          __resolveReference: (ref: { sku: string }) => products.find((p) => p.sku === ref.sku) ?? null,
          price: (p: (typeof products)[number], args: { currency: string }) => inCurrency(p.eur, args.currency),
        },
        Category: { averagePrice: (c: { eur: number }, args: { currency: string }) => inCurrency(c.eur, args.currency) },
      },
    },
    {
      name: "customs",
      typeDefs: gql`
        ${link(["@key", "@external", "@requires"])}
        type Product @key(fields: "sku") {
          sku: ID!
          price(currency: String!): Int! @external
          weight: Int! @external
          category: Category! @external
          dutyEUR: Int! @requires(fields: "price(currency: \\"EUR\\") weight")
          declaredEUR: String! @requires(fields: "price(currency: \\"EUR\\")")
          declaredUSD: String! @requires(fields: "price(currency: \\"USD\\")")
          premiumCategory: Boolean! @requires(fields: "category { averagePrice(currency: \\"USD\\") }")
        }
        type Category @external {
          averagePrice(currency: String!): Int!
        }
      `,
      resolvers: {
        Product: {
          dutyEUR: (p: Record<string, unknown>) => provided<number>(p, "price") * provided<number>(p, "weight"),
          declaredEUR: (p: Record<string, unknown>) => `${provided<number>(p, "price")} EUR`,
          declaredUSD: (p: Record<string, unknown>) => `${provided<number>(p, "price")} USD`,
          premiumCategory: (p: Record<string, unknown>) => provided<{ averagePrice: number }>(p, "category").averagePrice > 40,
        },
      },
    },
  ],
  cases: [
    {
      id: "literal-argument",
      behaviour: "@requires: field with arguments",
      query: gql`
        {
          catalog {
            sku
            dutyEUR
          }
        }
      `,
      expected: {
        data: {
          catalog: [
            { sku: "P1", dutyEUR: 40 },
            { sku: "P2", dutyEUR: 250 },
          ],
        },
      },
    },
    {
      id: "client-asks-other-value",
      behaviour: "@requires: field with arguments",
      query: gql`
        {
          catalog {
            sku
            price(currency: "USD")
            dutyEUR
          }
        }
      `,
      expected: {
        data: {
          catalog: [
            { sku: "P1", price: 22, dutyEUR: 40 },
            { sku: "P2", price: 55, dutyEUR: 250 },
          ],
        },
      },
    },
    {
      id: "client-variable",
      behaviour: "@requires: field with arguments",
      query: gql`
        query ($currency: String!) {
          catalog {
            price(currency: $currency)
            dutyEUR
          }
        }
      `,
      variables: { currency: "USD" },
      expected: {
        data: {
          catalog: [
            { price: 22, dutyEUR: 40 },
            { price: 55, dutyEUR: 250 },
          ],
        },
      },
    },
    {
      id: "nested-argument",
      behaviour: "@requires: field with arguments",
      query: gql`
        {
          catalog {
            sku
            premiumCategory
          }
        }
      `,
      expected: {
        data: {
          catalog: [
            { sku: "P1", premiumCategory: false },
            { sku: "P2", premiumCategory: true },
          ],
        },
      },
    },
    {
      id: "conflicting-values",
      behaviour: "@requires: conflicting argument values",
      query: gql`
        {
          catalog {
            sku
            declaredEUR
            declaredUSD
          }
        }
      `,
      expected: {
        data: {
          catalog: [
            { sku: "P1", declaredEUR: "20 EUR", declaredUSD: "22 USD" },
            { sku: "P2", declaredEUR: "50 EUR", declaredUSD: "55 USD" },
          ],
        },
      },
    },
    {
      id: "conflicting-values-and-client",
      behaviour: "@requires: conflicting argument values",
      query: gql`
        {
          catalog {
            eur: price(currency: "EUR")
            declaredUSD
            dutyEUR
          }
        }
      `,
      expected: {
        data: {
          catalog: [
            { eur: 20, declaredUSD: "22 USD", dutyEUR: 40 },
            { eur: 50, declaredUSD: "55 USD", dutyEUR: 250 },
          ],
        },
      },
    },
  ],
};
