import { GraphQLError } from "graphql";
import { type ConformanceGroup, type SubgraphFixture, gql, link } from "../harness/fixture";

/*
 * @override: accounts has taken the e-mail address over from legacy, whose
 * old resolver still answers (with the address as it was before the move,
 * in upper case) and must no longer be asked. Labels needs the e-mail
 * (@requires), which must come from its new owner. Accounts also declares
 * the display name overridden from a subgraph that is not in the supergraph
 * (it was removed): the field is simply accounts', shareable with profiles.
 * Accounts took the tier over from labels, which still needs it (@external
 * there, for its discount).
 */

const users = [
  { id: "u1", email: "ada@example.org", displayName: "Ada L.", tier: "gold" },
  { id: "u2", email: "alan@example.org", displayName: "Alan T.", tier: "basic" },
];
const find = (id: string) => users.find((u) => u.id === id) ?? null;

export const override: ConformanceGroup = {
  name: "override",
  subgraphs: (): SubgraphFixture[] => [
    {
      name: "legacy",
      typeDefs: gql`
        ${link(["@key"])}
        type Query {
          legacyUsers: [User!]!
        }
        type User @key(fields: "id") {
          id: ID!
          email: String!
        }
      `,
      resolvers: {
        Query: { legacyUsers: () => users.map((u) => ({ id: u.id })) },
        User: {
          __resolveReference: (ref: { id: string }) => find(ref.id),
          email: (u: { id: string }) => find(u.id)?.email.toUpperCase(),
        },
      },
    },
    {
      name: "accounts",
      typeDefs: gql`
        ${link(["@key", "@override", "@shareable"])}
        type Query {
          newestUser: User
        }
        type User @key(fields: "id") {
          id: ID!
          email: String! @override(from: "legacy")
          displayName: String! @override(from: "directory") @shareable
          tier: String! @override(from: "labels")
        }
      `,
      resolvers: {
        Query: { newestUser: () => find("u2") },
        User: { __resolveReference: (ref: { id: string }) => find(ref.id) },
      },
    },
    {
      name: "profiles",
      typeDefs: gql`
        ${link(["@key", "@shareable"])}
        type Query {
          profiles: [User!]!
        }
        type User @key(fields: "id") {
          id: ID!
          displayName: String! @shareable
        }
      `,
      resolvers: {
        Query: { profiles: () => users },
        User: { __resolveReference: (ref: { id: string }) => find(ref.id) },
      },
    },
    {
      name: "labels",
      typeDefs: gql`
        ${link(["@key", "@external", "@requires"])}
        type User @key(fields: "id") {
          id: ID!
          email: String! @external
          mailLabel: String! @requires(fields: "email")
          tier: String! @external
          discount: Int! @requires(fields: "tier")
        }
      `,
      resolvers: {
        User: {
          mailLabel: (u: { id: string; email?: string }) => {
            if (!u.email) throw new GraphQLError(`the e-mail of ${u.id} was not provided`, { extensions: { code: "MISSING_REQUIREMENT" } });
            return `To: ${u.email}`;
          },
          discount: (u: { id: string; tier?: string }) => {
            if (!u.tier) throw new GraphQLError(`the tier of ${u.id} was not provided`, { extensions: { code: "MISSING_REQUIREMENT" } });
            return u.tier === "gold" ? 15 : 0;
          },
        },
      },
    },
  ],
  cases: [
    {
      id: "from-old-owner-root",
      behaviour: "@override",
      query: gql`
        {
          legacyUsers {
            id
            email
          }
        }
      `,
      expected: {
        data: {
          legacyUsers: [
            { id: "u1", email: "ada@example.org" },
            { id: "u2", email: "alan@example.org" },
          ],
        },
      },
    },
    {
      id: "with-requires",
      behaviour: "@override: with @requires",
      query: gql`
        {
          legacyUsers {
            mailLabel
          }
          newestUser {
            id
            mailLabel
          }
        }
      `,
      expected: {
        data: {
          legacyUsers: [{ mailLabel: "To: ada@example.org" }, { mailLabel: "To: alan@example.org" }],
          newestUser: { id: "u2", mailLabel: "To: alan@example.org" },
        },
      },
    },
    {
      id: "requires-in-old-owner",
      behaviour: "@override: with @requires",
      query: gql`
        {
          newestUser {
            tier
            discount
          }
          legacyUsers {
            discount
          }
        }
      `,
      expected: { data: { newestUser: { tier: "basic", discount: 0 }, legacyUsers: [{ discount: 15 }, { discount: 0 }] } },
    },
    {
      id: "source-not-in-supergraph",
      behaviour: "@override: source not in the supergraph",
      query: gql`
        {
          newestUser {
            displayName
          }
          profiles {
            displayName
            email
          }
        }
      `,
      expected: {
        data: {
          newestUser: { displayName: "Alan T." },
          profiles: [
            { displayName: "Ada L.", email: "ada@example.org" },
            { displayName: "Alan T.", email: "alan@example.org" },
          ],
        },
      },
    },
    {
      id: "source-not-in-supergraph-entity",
      behaviour: "@override: source not in the supergraph",
      query: gql`
        {
          legacyUsers {
            displayName
          }
        }
      `,
      expected: { data: { legacyUsers: [{ displayName: "Ada L." }, { displayName: "Alan T." }] } },
    },
  ],
};
