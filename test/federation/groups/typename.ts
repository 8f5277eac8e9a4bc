import { type ConformanceGroup, type SubgraphFixture, gql, link } from "../harness/fixture";

/*
 * __typename: on the root, aliased, inside fragments on unions and
 * interfaces, alone, and on entities reached through an @interfaceObject,
 * whose subgraph answers with the interface's name (or nothing): the client
 * must get the concrete type, which only the interface's owner knows.
 */

const accounts = [
  { __typename: "Admin", id: "a1", level: 3 },
  { __typename: "Member", id: "a2", since: 2021 },
];
const names = new Map([
  ["a1", "root"],
  ["a2", "ada"],
]);

export const typename: ConformanceGroup = {
  name: "typename",
  subgraphs: (): SubgraphFixture[] => [
    {
      name: "devices",
      typeDefs: gql`
        ${link(["@key"])}
        type Query {
          appliance: Appliance
          device: Device
        }
        union Appliance = Oven | Toaster
        interface Device {
          id: ID!
        }
        type Oven implements Device {
          id: ID!
        }
        type Toaster implements Device {
          id: ID!
          slots: Int!
        }
        interface Account @key(fields: "id") {
          id: ID!
        }
        type Admin implements Account @key(fields: "id") {
          id: ID!
          level: Int!
        }
        type Member implements Account @key(fields: "id") {
          id: ID!
          since: Int!
        }
      `,
      resolvers: {
        Query: { appliance: () => ({ __typename: "Oven", id: "d1" }), device: () => ({ __typename: "Toaster", id: "d2", slots: 4 }) },
        Account: { __resolveReference: (ref: { id: string }) => accounts.find((a) => a.id === ref.id) ?? null },
        Admin: { __resolveReference: (ref: { id: string }) => accounts.find((a) => a.id === ref.id) ?? null },
        Member: { __resolveReference: (ref: { id: string }) => accounts.find((a) => a.id === ref.id) ?? null },
      },
    },
    {
      name: "directory",
      typeDefs: gql`
        ${link(["@key", "@interfaceObject"])}
        type Query {
          accounts: [Account!]!
        }
        type Account @key(fields: "id") @interfaceObject {
          id: ID!
          displayName: String!
        }
      `,
      resolvers: {
        // No __typename: the subgraph sees Account as an object type and knows nothing more.
        Query: { accounts: () => accounts.map((a) => ({ id: a.id })) },
        Account: {
          __resolveReference: (ref: { id: string }) => (names.has(ref.id) ? { id: ref.id } : null),
          displayName: (a: { id: string }) => names.get(a.id),
        },
      },
    },
  ],
  cases: [
    {
      id: "root",
      behaviour: "__typename",
      query: gql`
        {
          __typename
          t: __typename
        }
      `,
      expected: { data: { __typename: "Query", t: "Query" } },
    },
    {
      id: "aliases-on-union",
      behaviour: "__typename",
      query: gql`
        {
          appliance {
            __typename
            kind: __typename
            ... on Oven {
              again: __typename
            }
            ... on Toaster {
              again: __typename
            }
          }
        }
      `,
      expected: { data: { appliance: { __typename: "Oven", kind: "Oven", again: "Oven" } } },
    },
    {
      id: "interface-fragments",
      behaviour: "__typename",
      query: gql`
        {
          device {
            id
            t: __typename
            ... on Toaster {
              slots
              __typename
            }
          }
        }
      `,
      expected: { data: { device: { id: "d2", t: "Toaster", slots: 4, __typename: "Toaster" } } },
    },
    {
      id: "interface-object-typename-only",
      behaviour: "__typename: through an @interfaceObject",
      query: gql`
        {
          accounts {
            __typename
          }
        }
      `,
      expected: { data: { accounts: [{ __typename: "Admin" }, { __typename: "Member" }] } },
    },
    {
      id: "interface-object-with-fields",
      behaviour: "__typename: through an @interfaceObject",
      query: gql`
        {
          accounts {
            id
            displayName
            kind: __typename
            ... on Admin {
              level
            }
            ... on Member {
              since
            }
          }
        }
      `,
      expected: {
        data: {
          accounts: [
            { id: "a1", displayName: "root", kind: "Admin", level: 3 },
            { id: "a2", displayName: "ada", kind: "Member", since: 2021 },
          ],
        },
      },
    },
    {
      id: "interface-object-no-typename",
      behaviour: "__typename: through an @interfaceObject",
      query: gql`
        {
          accounts {
            id
            displayName
          }
        }
      `,
      expected: {
        data: {
          accounts: [
            { id: "a1", displayName: "root" },
            { id: "a2", displayName: "ada" },
          ],
        },
      },
    },
  ],
};
