import { GraphQLError } from "graphql";
import { type ConformanceGroup, type SubgraphFixture, gql, link } from "../harness/fixture";

/*
 * @requires through abstract types: delivery needs a user's address, an
 * interface (home or work), by id for the zone, and through an inline
 * fragment (`... on WorkAddress { company }`) for office hours, which a home
 * address does not have. The client's own query may use fragments too.
 */

const users = [
  { id: "u1", name: "Ada", addressId: "h1" },
  { id: "u2", name: "Brian", addressId: "w1" },
];
const addresses = [
  { __typename: "HomeAddress", id: "h1", city: "Lyon" },
  { __typename: "WorkAddress", id: "w1", city: "Paris", company: "Acme" },
];
const zones = new Map([
  ["h1", "Z3"],
  ["w1", "Z1"],
]);

interface Requirements {
  id: string;
  address?: { id?: string; company?: string } | null;
}

function addressOf(user: Requirements): NonNullable<Requirements["address"]> {
  if (!user.address) throw new GraphQLError(`the address of ${user.id} was not provided`, { extensions: { code: "MISSING_REQUIREMENT" } });
  return user.address;
}

export const requiresAbstract: ConformanceGroup = {
  name: "requires-abstract",
  subgraphs: (): SubgraphFixture[] => [
    {
      name: "accounts",
      typeDefs: gql`
        ${link(["@key"])}
        type Query {
          users: [User!]!
        }
        type User @key(fields: "id") {
          id: ID!
          name: String!
          address: Address
        }
        interface Address {
          id: ID!
          city: String!
        }
        type HomeAddress implements Address @key(fields: "id") {
          id: ID!
          city: String!
        }
        type WorkAddress implements Address @key(fields: "id") {
          id: ID!
          city: String!
          company: String!
        }
      `,
      resolvers: {
        Query: { users: () => users },
        User: {
          __resolveReference: (ref: { id: string }) => users.find((u) => u.id === ref.id) ?? null,
          address: (u: (typeof users)[number]) => addresses.find((a) => a.id === u.addressId) ?? null,
        },
        HomeAddress: { __resolveReference: (ref: { id: string }) => addresses.find((a) => a.id === ref.id) ?? null },
        WorkAddress: { __resolveReference: (ref: { id: string }) => addresses.find((a) => a.id === ref.id) ?? null },
      },
    },
    {
      name: "delivery",
      typeDefs: gql`
        ${link(["@key", "@external", "@requires"])}
        type User @key(fields: "id") {
          id: ID!
          address: Address @external
          zone: String @requires(fields: "address { id }")
          officeHours: String @requires(fields: "address { ... on WorkAddress { company } }")
        }
        interface Address {
          id: ID!
        }
        type HomeAddress implements Address @key(fields: "id") {
          id: ID!
        }
        type WorkAddress implements Address @key(fields: "id") {
          id: ID!
          company: String! @external
        }
      `,
      resolvers: {
        User: {
          zone: (u: Requirements) => zones.get(addressOf(u).id ?? "") ?? null,
          // A home address selects nothing from the fragment: gateways send it as an empty object, or not at all.
          officeHours: (u: Requirements) => (u.address?.company ? `${u.address.company}: 9-17` : null),
        },
      },
    },
  ],
  cases: [
    {
      id: "interface-field",
      behaviour: "@requires: on an interface",
      query: gql`
        {
          users {
            id
            zone
          }
        }
      `,
      expected: {
        data: {
          users: [
            { id: "u1", zone: "Z3" },
            { id: "u2", zone: "Z1" },
          ],
        },
      },
    },
    {
      id: "inline-fragment",
      behaviour: "@requires: with fragments",
      query: gql`
        {
          users {
            name
            officeHours
          }
        }
      `,
      expected: {
        data: {
          users: [
            { name: "Ada", officeHours: null },
            { name: "Brian", officeHours: "Acme: 9-17" },
          ],
        },
      },
    },
    {
      id: "both-with-client-fragments",
      behaviour: "@requires: with fragments",
      query: gql`
        {
          users {
            ...Delivery
            address {
              __typename
              ... on WorkAddress {
                company
              }
            }
          }
        }
        fragment Delivery on User {
          zone
          officeHours
        }
      `,
      expected: {
        data: {
          users: [
            { zone: "Z3", officeHours: null, address: { __typename: "HomeAddress" } },
            { zone: "Z1", officeHours: "Acme: 9-17", address: { __typename: "WorkAddress", company: "Acme" } },
          ],
        },
      },
    },
  ],
};
