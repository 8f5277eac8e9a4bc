import { type ConformanceGroup, type SubgraphFixture, gql, link } from "../harness/fixture";

/*
 * @shareable: a root field and a value type (no key) that two subgraphs both
 * resolve, each adding fields of its own, so one client selection needs
 * both subgraphs' roots; and an entity's field either subgraph may answer.
 * Shared fields agree in both subgraphs (that is what @shareable promises),
 * so whichever the gateway picks, the answer is the same.
 */

const store = { name: "Main Street", opens: "08:00", phone: "+33 4 00 00 00 00", manager: { name: "Inès", since: 2019 } };
const products = [
  { upc: "u1", name: "Lamp", price: 30, stock: 4 },
  { upc: "u2", name: "Rug", price: 90, stock: 0 },
];

export const shareable: ConformanceGroup = {
  name: "shareable",
  subgraphs: (): SubgraphFixture[] => [
    {
      name: "stores",
      typeDefs: gql`
        ${link(["@key", "@shareable"])}
        type Query {
          store: Store @shareable
          products: [Product!]! @shareable
        }
        type Store @shareable {
          name: String!
          opens: String!
          manager: Manager!
        }
        type Manager @shareable {
          name: String!
        }
        type Product @key(fields: "upc") {
          upc: ID!
          name: String! @shareable
          price: Int!
        }
      `,
      resolvers: {
        Query: { store: () => store, products: () => products },
        Product: { __resolveReference: (ref: { upc: string }) => products.find((p) => p.upc === ref.upc) ?? null },
      },
    },
    {
      name: "contacts",
      typeDefs: gql`
        ${link(["@key", "@shareable"])}
        type Query {
          store: Store @shareable
          products: [Product!]! @shareable
        }
        type Store @shareable {
          name: String!
          phone: String!
          manager: Manager!
        }
        type Manager @shareable {
          name: String!
          since: Int!
        }
        type Product @key(fields: "upc") {
          upc: ID!
          name: String! @shareable
          stock: Int!
        }
      `,
      resolvers: {
        Query: { store: () => store, products: () => products },
        Product: { __resolveReference: (ref: { upc: string }) => products.find((p) => p.upc === ref.upc) ?? null },
      },
    },
  ],
  cases: [
    {
      id: "shared-root-one-side",
      behaviour: "@shareable: root field and value type",
      query: gql`
        {
          store {
            name
            opens
          }
        }
      `,
      expected: { data: { store: { name: "Main Street", opens: "08:00" } } },
    },
    {
      id: "shared-root-both-sides",
      behaviour: "@shareable: root field and value type",
      query: gql`
        {
          store {
            name
            opens
            phone
            manager {
              name
              since
            }
          }
        }
      `,
      expected: { data: { store: { name: "Main Street", opens: "08:00", phone: "+33 4 00 00 00 00", manager: { name: "Inès", since: 2019 } } } },
    },
    {
      id: "entity-field",
      behaviour: "@shareable: entity field",
      query: gql`
        {
          products {
            name
            price
            stock
          }
        }
      `,
      expected: {
        data: {
          products: [
            { name: "Lamp", price: 30, stock: 4 },
            { name: "Rug", price: 90, stock: 0 },
          ],
        },
      },
    },
  ],
};
