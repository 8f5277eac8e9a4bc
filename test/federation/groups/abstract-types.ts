import { type ConformanceGroup, type SubgraphFixture, gql, link } from "../harness/fixture";

/*
 * Unions and interfaces whose members each subgraph knows only in part.
 * - The activity feed's union has three members in the feed subgraph and
 *   one in audit, which shares the feed's value types: none of the members
 *   has a key, so every member can only come from the feed subgraph, and no
 *   fragment may be dropped.
 * - Catalog's appliance union holds ovens and toasters; only toasters carry
 *   a warranty there, while ovens implement the warranty interface in the
 *   service subgraph: a fragment on the interface needs both.
 * - A search result union whose members differ per subgraph: a fragment on
 *   a member one subgraph does not know must not be sent to it.
 */

const events = [
  { __typename: "Login", id: "e1", device: "phone" },
  { __typename: "Purchase", id: "e2", amount: 42, currency: "EUR" },
  { __typename: "Refund", id: "e3", reason: "damaged" },
];
const appliances = [
  { __typename: "Oven", id: "o1", model: "Bake 60" },
  { __typename: "Toaster", id: "t1", model: "Crisp 2", warrantyYears: 2 },
];
const ovenWarranty = new Map([["o1", 5]]);

export const abstractTypes: ConformanceGroup = {
  name: "abstract-types",
  subgraphs: (): SubgraphFixture[] => [
    {
      name: "feed",
      typeDefs: gql`
        ${link(["@key", "@shareable"])}
        type Query {
          activity: Activity
          search: [Result!]!
        }
        type Activity @shareable {
          owner: String!
          events: [Event!]!
        }
        union Event = Login | Purchase | Refund
        type Login @shareable {
          id: ID!
          device: String!
        }
        type Purchase {
          id: ID!
          amount: Int!
          currency: String!
        }
        type Refund {
          id: ID!
          reason: String!
        }
        union Result = Oven | Toaster
        type Oven @key(fields: "id") {
          id: ID!
          model: String!
        }
        type Toaster @key(fields: "id") {
          id: ID!
          model: String!
        }
      `,
      resolvers: {
        Query: { activity: () => ({ owner: "ada", events }), search: () => appliances },
        Oven: { __resolveReference: (ref: { id: string }) => appliances.find((a) => a.id === ref.id) ?? null },
        Toaster: { __resolveReference: (ref: { id: string }) => appliances.find((a) => a.id === ref.id) ?? null },
      },
    },
    {
      name: "audit",
      typeDefs: gql`
        ${link(["@key", "@shareable"])}
        type Activity @shareable {
          owner: String!
          events: [Event!]!
        }
        union Event = Login
        type Login @shareable {
          id: ID!
          device: String!
        }
      `,
    },
    {
      name: "catalog",
      typeDefs: gql`
        ${link(["@key"])}
        type Query {
          appliances: [Appliance!]!
        }
        union Appliance = Oven | Toaster
        interface WithWarranty {
          warrantyYears: Int!
        }
        type Oven @key(fields: "id") {
          id: ID!
        }
        type Toaster implements WithWarranty @key(fields: "id") {
          id: ID!
          warrantyYears: Int!
        }
      `,
      resolvers: {
        Query: { appliances: () => appliances },
        Oven: { __resolveReference: (ref: { id: string }) => appliances.find((a) => a.id === ref.id) ?? null },
        Toaster: { __resolveReference: (ref: { id: string }) => appliances.find((a) => a.id === ref.id) ?? null },
      },
    },
    {
      name: "service",
      typeDefs: gql`
        ${link(["@key"])}
        type Query {
          nearest: [Result!]!
        }
        union Result = Oven | Engineer
        interface WithWarranty {
          warrantyYears: Int!
        }
        type Oven implements WithWarranty @key(fields: "id") {
          id: ID!
          warrantyYears: Int!
        }
        type Engineer {
          name: String!
        }
      `,
      resolvers: {
        Query: {
          nearest: () => [
            { __typename: "Engineer", name: "Sam" },
            { __typename: "Oven", id: "o1" },
          ],
        },
        Oven: { warrantyYears: (o: { id: string }) => ovenWarranty.get(o.id) },
      },
    },
  ],
  cases: [
    {
      id: "partial-union-all-members",
      behaviour: "union: members partly known to each subgraph",
      query: gql`
        {
          activity {
            owner
            events {
              __typename
              ... on Login {
                device
              }
              ... on Purchase {
                amount
                currency
              }
              ... on Refund {
                reason
              }
            }
          }
        }
      `,
      expected: {
        data: {
          activity: {
            owner: "ada",
            events: [
              { __typename: "Login", device: "phone" },
              { __typename: "Purchase", amount: 42, currency: "EUR" },
              { __typename: "Refund", reason: "damaged" },
            ],
          },
        },
      },
    },
    {
      id: "partial-union-missing-members-only",
      behaviour: "union: members partly known to each subgraph",
      query: gql`
        {
          activity {
            events {
              ... on Purchase {
                id
              }
              ... on Refund {
                id
              }
            }
          }
        }
      `,
      expected: { data: { activity: { events: [{}, { id: "e2" }, { id: "e3" }] } } },
    },
    {
      id: "member-unknown-to-the-resolving-subgraph",
      behaviour: "union: members partly known to each subgraph",
      query: gql`
        {
          search {
            __typename
            ... on Engineer {
              name
            }
            ... on Oven {
              id
            }
          }
          nearest {
            __typename
            ... on Engineer {
              name
            }
            ... on Toaster {
              model
            }
            ... on Oven {
              model
            }
          }
        }
      `,
      expected: {
        data: {
          search: [{ __typename: "Oven", id: "o1" }, { __typename: "Toaster" }],
          nearest: [
            { __typename: "Engineer", name: "Sam" },
            { __typename: "Oven", model: "Bake 60" },
          ],
        },
      },
    },
    {
      id: "interface-implemented-elsewhere",
      behaviour: "interface: implementations partly known to each subgraph",
      query: gql`
        {
          appliances {
            __typename
            ... on WithWarranty {
              warrantyYears
            }
          }
        }
      `,
      expected: {
        data: {
          appliances: [
            { __typename: "Oven", warrantyYears: 5 },
            { __typename: "Toaster", warrantyYears: 2 },
          ],
        },
      },
    },
    {
      id: "interface-and-member-fragments",
      behaviour: "interface: implementations partly known to each subgraph",
      query: gql`
        {
          appliances {
            ... on Oven {
              id
              model
            }
            ... on WithWarranty {
              warrantyYears
            }
            ... on Toaster {
              model
            }
          }
        }
      `,
      expected: {
        data: {
          appliances: [
            { id: "o1", model: "Bake 60", warrantyYears: 5 },
            { warrantyYears: 2, model: "Crisp 2" },
          ],
        },
      },
    },
  ],
};
