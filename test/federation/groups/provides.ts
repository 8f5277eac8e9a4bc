import { type ConformanceGroup, type SubgraphFixture, gql, link } from "../harness/fixture";

/*
 * @provides and @external: media owns titles; the shelf subgraph keeps the
 * titles of what it lists and @provides them on its root fields, for an
 * object, for one member of a union, and for one implementation of an
 * interface. Where the shelf does not provide a field, the gateway fetches
 * it from media. A pre-order is on the shelf before media knows it: its
 * title exists only where it is provided, so a gateway that fetches provided
 * fields from their owner anyway gets nothing for it. Elsewhere the shelf's
 * title is only @external: its own copy (a label from before a reprint)
 * must not be asked for.
 */

const media = [
  { __typename: "Book", id: "b1", title: "Dune", pages: 412 },
  { __typename: "Movie", id: "m1", title: "Alien", minutes: 117 },
  { __typename: "Book", id: "b2", title: "Emma", pages: 474 },
];
const preorder = { __typename: "Book", id: "b9", title: "The Winds of Winter" };
const find = (id: string) => media.find((m) => m.id === id) ?? null;

export const provides: ConformanceGroup = {
  name: "provides",
  subgraphs: (): SubgraphFixture[] => [
    {
      name: "media",
      typeDefs: gql`
        ${link(["@key", "@shareable"])}
        type Book @key(fields: "id") {
          id: ID!
          title: String! @shareable
          pages: Int!
        }
        type Movie @key(fields: "id") {
          id: ID!
          title: String! @shareable
          minutes: Int!
        }
      `,
      resolvers: {
        Book: { __resolveReference: (ref: { id: string }) => find(ref.id) },
        Movie: { __resolveReference: (ref: { id: string }) => find(ref.id) },
      },
    },
    {
      name: "shelf",
      typeDefs: gql`
        ${link(["@key", "@external", "@provides"])}
        type Query {
          bestseller: Book @provides(fields: "title")
          preorder: Book @provides(fields: "title")
          reprinted: [Book!]!
          newArrivals: [Item!]! @provides(fields: "... on Book { title }")
          staffPicks: [Titled!]! @provides(fields: "... on Movie { title }")
        }
        union Item = Book | Movie
        interface Titled {
          id: ID!
          title: String!
        }
        type Book implements Titled @key(fields: "id") {
          id: ID!
          title: String! @external
        }
        type Movie implements Titled @key(fields: "id") {
          id: ID!
          title: String! @external
        }
      `,
      resolvers: {
        Query: {
          // The shelf's own copies: titles only where it provides them.
          bestseller: () => ({ id: "b1", title: "Dune" }),
          preorder: () => preorder,
          reprinted: () => [{ id: "b2", title: "EMMA (first printing)" }],
          newArrivals: () => [...media, preorder].map((m) => (m.__typename === "Book" ? { __typename: m.__typename, id: m.id, title: m.title } : { __typename: m.__typename, id: m.id })),
          staffPicks: () => media.map((m) => (m.__typename === "Movie" ? { __typename: m.__typename, id: m.id, title: m.title } : { __typename: m.__typename, id: m.id })),
        },
      },
    },
  ],
  cases: [
    {
      id: "object",
      behaviour: "@provides: object",
      query: gql`
        {
          bestseller {
            id
            title
          }
        }
      `,
      expected: { data: { bestseller: { id: "b1", title: "Dune" } } },
    },
    {
      id: "object-and-owner-field",
      behaviour: "@provides: object",
      query: gql`
        {
          bestseller {
            title
            pages
          }
        }
      `,
      expected: { data: { bestseller: { title: "Dune", pages: 412 } } },
    },
    {
      id: "only-where-provided",
      behaviour: "@provides: object",
      query: gql`
        {
          preorder {
            id
            title
          }
        }
      `,
      expected: { data: { preorder: { id: "b9", title: "The Winds of Winter" } } },
    },
    {
      id: "union-provided-member",
      behaviour: "@provides: on a union",
      query: gql`
        {
          newArrivals {
            ... on Book {
              id
              title
            }
            ... on Movie {
              id
            }
          }
        }
      `,
      expected: { data: { newArrivals: [{ id: "b1", title: "Dune" }, { id: "m1" }, { id: "b2", title: "Emma" }, { id: "b9", title: "The Winds of Winter" }] } },
    },
    {
      id: "union-unprovided-member",
      behaviour: "@provides: on a union",
      query: gql`
        {
          newArrivals {
            ... on Book {
              title
            }
            ... on Movie {
              title
              minutes
            }
          }
        }
      `,
      expected: { data: { newArrivals: [{ title: "Dune" }, { title: "Alien", minutes: 117 }, { title: "Emma" }, { title: "The Winds of Winter" }] } },
    },
    {
      id: "interface-field",
      behaviour: "@provides: on an interface",
      query: gql`
        {
          staffPicks {
            __typename
            id
            title
          }
        }
      `,
      expected: {
        data: {
          staffPicks: [
            { __typename: "Book", id: "b1", title: "Dune" },
            { __typename: "Movie", id: "m1", title: "Alien" },
            { __typename: "Book", id: "b2", title: "Emma" },
          ],
        },
      },
    },
    {
      id: "interface-fragments",
      behaviour: "@provides: on an interface",
      query: gql`
        {
          staffPicks {
            ... on Movie {
              title
            }
            ... on Book {
              pages
            }
          }
        }
      `,
      expected: { data: { staffPicks: [{ pages: 412 }, { title: "Alien" }, { pages: 474 }] } },
    },
    {
      id: "external-not-provided",
      behaviour: "@external: from its owner where not provided",
      query: gql`
        {
          reprinted {
            id
            title
          }
        }
      `,
      expected: { data: { reprinted: [{ id: "b2", title: "Emma" }] } },
    },
  ],
};
