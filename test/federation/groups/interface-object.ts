import { type ConformanceGroup, type SubgraphFixture, gql, link } from "../harness/fixture";

/*
 * @interfaceObject: inventory owns the Item interface and its implementations
 * (tools and paints); pricing adds a price to every item without knowing
 * which kinds exist, seeing Item as one object type. Reviews only refers to
 * items (resolvable: false): it cannot resolve an item, nor tell its kind,
 * so the gateway must learn the concrete type from inventory. The
 * interface-object subgraphs answer `__typename` with the interface's name;
 * a client must never see it.
 */

const items = [
  { __typename: "Tool", id: "i1", sku: "DRILL-18V", voltage: 18 },
  { __typename: "Paint", id: "i2", sku: "PAINT-RED", colour: "red" },
  { __typename: "Tool", id: "i3", sku: "SAW-230", voltage: 230 },
];
const prices = new Map([
  ["i1", 129],
  ["i2", 24],
  ["i3", 89],
]);
const find = (id: string) => items.find((i) => i.id === id) ?? null;

export const interfaceObject: ConformanceGroup = {
  name: "interface-object",
  subgraphs: (): SubgraphFixture[] => [
    {
      name: "inventory",
      typeDefs: gql`
        ${link(["@key"])}
        type Query {
          items: [Item!]!
        }
        interface Item @key(fields: "id") {
          id: ID!
          sku: String!
        }
        type Tool implements Item @key(fields: "id") {
          id: ID!
          sku: String!
          voltage: Int!
        }
        type Paint implements Item @key(fields: "id") {
          id: ID!
          sku: String!
          colour: String!
        }
      `,
      resolvers: {
        Query: { items: () => items },
        Item: { __resolveReference: (ref: { id: string }) => find(ref.id) },
        Tool: { __resolveReference: (ref: { id: string }) => find(ref.id) },
        Paint: { __resolveReference: (ref: { id: string }) => find(ref.id) },
      },
    },
    {
      name: "pricing",
      typeDefs: gql`
        ${link(["@key", "@interfaceObject"])}
        type Query {
          cheapest: Item
        }
        type Item @key(fields: "id") @interfaceObject {
          id: ID!
          price: Int!
        }
      `,
      resolvers: {
        Query: { cheapest: () => ({ __typename: "Item", id: "i2" }) },
        Item: {
          __resolveReference: (ref: { id: string }) => (prices.has(ref.id) ? { __typename: "Item", id: ref.id } : null),
          price: (item: { id: string }) => prices.get(item.id),
        },
      },
    },
    {
      name: "reviews",
      typeDefs: gql`
        ${link(["@key", "@interfaceObject"])}
        type Query {
          featured: Item!
        }
        type Item @key(fields: "id", resolvable: false) @interfaceObject {
          id: ID!
        }
      `,
      resolvers: {
        Query: { featured: () => ({ __typename: "Item", id: "i3" }) },
      },
    },
  ],
  cases: [
    {
      id: "field-on-every-implementation",
      behaviour: "@interfaceObject",
      query: gql`
        {
          items {
            sku
            price
          }
        }
      `,
      expected: {
        data: {
          items: [
            { sku: "DRILL-18V", price: 129 },
            { sku: "PAINT-RED", price: 24 },
            { sku: "SAW-230", price: 89 },
          ],
        },
      },
    },
    {
      id: "concrete-type-from-owner",
      behaviour: "@interfaceObject",
      query: gql`
        {
          cheapest {
            __typename
            id
            price
            sku
            ... on Paint {
              colour
            }
            ... on Tool {
              voltage
            }
          }
        }
      `,
      expected: { data: { cheapest: { __typename: "Paint", id: "i2", price: 24, sku: "PAINT-RED", colour: "red" } } },
    },
    {
      id: "typename-only",
      behaviour: "@interfaceObject",
      query: gql`
        {
          cheapest {
            __typename
          }
        }
      `,
      expected: { data: { cheapest: { __typename: "Paint" } } },
    },
    {
      id: "non-resolvable-key-only",
      behaviour: "@interfaceObject: its subgraph cannot resolve the interface",
      query: gql`
        {
          featured {
            id
          }
        }
      `,
      expected: { data: { featured: { id: "i3" } } },
    },
    {
      id: "non-resolvable-concrete-type",
      behaviour: "@interfaceObject: its subgraph cannot resolve the interface",
      query: gql`
        {
          featured {
            __typename
            ... on Tool {
              voltage
            }
            ... on Paint {
              colour
            }
          }
        }
      `,
      expected: { data: { featured: { __typename: "Tool", voltage: 230 } } },
    },
    {
      id: "non-resolvable-to-other-interface-object",
      behaviour: "@interfaceObject: its subgraph cannot resolve the interface",
      query: gql`
        {
          featured {
            sku
            price
          }
        }
      `,
      expected: { data: { featured: { sku: "SAW-230", price: 89 } } },
    },
  ],
};
