import { type ConformanceGroup, type SubgraphFixture, gql, link } from "../harness/fixture";

/*
 * Keys: an entity found by one field, by two fields together, by either of
 * two keys, by a key that reaches into a nested object, and one a subgraph
 * only refers to (resolvable: false). A library: the catalogue lists books,
 * people knows authors (by id or e-mail), reviews knows them by e-mail only,
 * branches knows copies (book and branch) and shelves (room and position).
 */

const books = [
  { isbn: "978-0", title: "Dune", authorId: "a1", branches: ["north", "south"], shelf: { room: { floor: 1, wing: "east" }, position: 3 } },
  { isbn: "978-1", title: "Emma", authorId: "a2", branches: ["north"], shelf: { room: { floor: 2, wing: "west" }, position: 1 } },
];
const authors = [
  { id: "a1", email: "frank@example.org", name: "Frank Herbert" },
  { id: "a2", email: "jane@example.org", name: "Jane Austen" },
];
const reviewCounts = new Map([
  ["frank@example.org", 12],
  ["jane@example.org", 30],
]);
const onLoan = new Map([
  ["978-0/north", true],
  ["978-0/south", false],
  ["978-1/north", false],
]);
const shelfLabels = new Map([
  ["1/east/3", "Science fiction A"],
  ["2/west/1", "Classics B"],
]);

export const keys: ConformanceGroup = {
  name: "keys",
  subgraphs: (): SubgraphFixture[] => [
    {
      name: "catalog",
      typeDefs: gql`
        ${link(["@key", "@shareable"])}
        type Query {
          books: [Book!]!
        }
        type Book @key(fields: "isbn") {
          isbn: ID!
          title: String!
          author: Author!
          copies: [Copy!]!
          shelf: Shelf!
        }
        type Author @key(fields: "id", resolvable: false) {
          id: ID!
        }
        type Copy @key(fields: "isbn branch", resolvable: false) {
          isbn: ID!
          branch: String!
        }
        type Shelf @key(fields: "room { floor wing } position", resolvable: false) {
          room: Room!
          position: Int!
        }
        type Room @shareable {
          floor: Int!
          wing: String!
        }
      `,
      resolvers: {
        Query: { books: () => books },
        Book: {
          author: (book: (typeof books)[number]) => ({ id: book.authorId }),
          copies: (book: (typeof books)[number]) => book.branches.map((branch) => ({ isbn: book.isbn, branch })),
        },
      },
    },
    {
      name: "people",
      typeDefs: gql`
        ${link(["@key"])}
        type Query {
          author(id: ID!): Author
        }
        type Author @key(fields: "id") @key(fields: "email") {
          id: ID!
          email: String!
          name: String!
        }
      `,
      resolvers: {
        Query: { author: (_: unknown, args: { id: string }) => authors.find((a) => a.id === args.id) ?? null },
        Author: { __resolveReference: (ref: { id?: string; email?: string }) => authors.find((a) => (ref.id !== undefined ? a.id === ref.id : a.email === ref.email)) ?? null },
      },
    },
    {
      name: "reviews",
      typeDefs: gql`
        ${link(["@key"])}
        type Query {
          mostReviewed: Author
        }
        type Author @key(fields: "email") {
          email: String!
          reviewCount: Int!
        }
      `,
      resolvers: {
        Query: { mostReviewed: () => ({ email: "jane@example.org" }) },
        Author: { reviewCount: (author: { email: string }) => reviewCounts.get(author.email) ?? 0 },
      },
    },
    {
      name: "branches",
      typeDefs: gql`
        ${link(["@key", "@shareable"])}
        type Copy @key(fields: "isbn branch") {
          isbn: ID!
          branch: String!
          onLoan: Boolean!
        }
        type Shelf @key(fields: "room { floor wing } position") {
          room: Room!
          position: Int!
          label: String!
        }
        type Room @shareable {
          floor: Int!
          wing: String!
        }
      `,
      resolvers: {
        Copy: { onLoan: (copy: { isbn: string; branch: string }) => onLoan.get(`${copy.isbn}/${copy.branch}`) },
        Shelf: { label: (s: { room: { floor: number; wing: string }; position: number }) => shelfLabels.get(`${s.room.floor}/${s.room.wing}/${s.position}`) },
      },
    },
  ],
  cases: [
    {
      id: "single-key",
      behaviour: "@key: single field",
      query: gql`
        {
          books {
            title
            author {
              name
            }
          }
        }
      `,
      expected: {
        data: {
          books: [
            { title: "Dune", author: { name: "Frank Herbert" } },
            { title: "Emma", author: { name: "Jane Austen" } },
          ],
        },
      },
    },
    {
      id: "key-field-only",
      behaviour: "@key: single field",
      query: gql`
        {
          books {
            author {
              id
            }
          }
        }
      `,
      expected: { data: { books: [{ author: { id: "a1" } }, { author: { id: "a2" } }] } },
    },
    {
      id: "composite-key",
      behaviour: "@key: composite",
      query: gql`
        {
          books {
            isbn
            copies {
              branch
              onLoan
            }
          }
        }
      `,
      expected: {
        data: {
          books: [
            {
              isbn: "978-0",
              copies: [
                { branch: "north", onLoan: true },
                { branch: "south", onLoan: false },
              ],
            },
            { isbn: "978-1", copies: [{ branch: "north", onLoan: false }] },
          ],
        },
      },
    },
    {
      id: "nested-key",
      behaviour: "@key: nested object",
      query: gql`
        {
          books {
            title
            shelf {
              position
              room {
                floor
                wing
              }
              label
            }
          }
        }
      `,
      expected: {
        data: {
          books: [
            { title: "Dune", shelf: { position: 3, room: { floor: 1, wing: "east" }, label: "Science fiction A" } },
            { title: "Emma", shelf: { position: 1, room: { floor: 2, wing: "west" }, label: "Classics B" } },
          ],
        },
      },
    },
    {
      // reviews knows authors by e-mail only; the catalogue refers to them by id: people bridges the two keys.
      id: "key-hop",
      behaviour: "@key: several keys on one entity",
      query: gql`
        {
          books {
            title
            author {
              reviewCount
            }
          }
        }
      `,
      expected: {
        data: {
          books: [
            { title: "Dune", author: { reviewCount: 12 } },
            { title: "Emma", author: { reviewCount: 30 } },
          ],
        },
      },
    },
    {
      id: "key-hop-back",
      behaviour: "@key: several keys on one entity",
      query: gql`
        {
          mostReviewed {
            email
            reviewCount
            id
            name
          }
        }
      `,
      expected: { data: { mostReviewed: { email: "jane@example.org", reviewCount: 30, id: "a2", name: "Jane Austen" } } },
    },
    {
      id: "non-resolvable-reference",
      behaviour: "@key: non-resolvable reference",
      query: gql`
        {
          author(id: "a1") {
            name
          }
          books {
            isbn
            author {
              id
              name
            }
          }
        }
      `,
      expected: {
        data: {
          author: { name: "Frank Herbert" },
          books: [
            { isbn: "978-0", author: { id: "a1", name: "Frank Herbert" } },
            { isbn: "978-1", author: { id: "a2", name: "Jane Austen" } },
          ],
        },
      },
    },
  ],
};
