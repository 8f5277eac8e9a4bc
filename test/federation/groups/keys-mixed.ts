import { GraphQLError } from "graphql";
import { type ConformanceGroup, type SubgraphFixture, gql, link } from "../harness/fixture";

/*
 * One entity, many keys: each subgraph declares four keys for a parcel but
 * can resolve it by only one of them, and a different one each (depot by id,
 * tracking by id and the route's day and sequence). Tracking needs depot's
 * weight (@requires), so the gateway must go depot → tracking with the
 * composite key whatever subgraph the parcel came from; `status` and the key
 * fields are @shareable, and the parcels sit inside another entity (a
 * manifest).
 */

const parcels = [
  { id: "p1", barcode: "BC-1", route: { hub: "LYS", day: "mon", seq: 1 }, weight: 3, status: "sorted" },
  { id: "p2", barcode: "BC-2", route: { hub: "LYS", day: "mon", seq: 2 }, weight: 12, status: "loaded" },
  { id: "p3", barcode: "BC-3", route: { hub: "GVA", day: "tue", seq: 1 }, weight: 7, status: "sorted" },
];
const manifests = [{ id: "m1", parcelIds: ["p1", "p2"] }];

const byId = (id: string) => parcels.find((p) => p.id === id) ?? null;

export const keysMixed: ConformanceGroup = {
  name: "keys-mixed",
  subgraphs: (): SubgraphFixture[] => [
    {
      name: "depot",
      typeDefs: gql`
        ${link(["@key", "@shareable"])}
        type Query {
          parcelByBarcode(barcode: ID!): Parcel
        }
        type Parcel @key(fields: "id") @key(fields: "barcode", resolvable: false) @key(fields: "route { hub day }", resolvable: false) @key(fields: "id route { day seq }", resolvable: false) {
          id: ID!
          barcode: ID!
          route: Route!
          weight: Int!
          status: String! @shareable
        }
        type Route @shareable {
          hub: String!
          day: String!
          seq: Int!
        }
      `,
      resolvers: {
        Query: { parcelByBarcode: (_: unknown, args: { barcode: string }) => parcels.find((p) => p.barcode === args.barcode) ?? null },
        Parcel: { __resolveReference: (ref: { id: string }) => byId(ref.id) },
      },
    },
    {
      name: "tracking",
      typeDefs: gql`
        ${link(["@key", "@shareable", "@external", "@requires"])}
        type Query {
          manifest(id: ID!): Manifest
        }
        type Manifest @key(fields: "id") {
          id: ID!
          parcels: [Parcel!]!
        }
        type Parcel @key(fields: "route { hub day }", resolvable: false) @key(fields: "id route { day seq }") @key(fields: "barcode", resolvable: false) @key(fields: "id", resolvable: false) {
          id: ID!
          barcode: ID!
          route: Route!
          status: String! @shareable
          weight: Int! @external
          label: String! @requires(fields: "weight")
        }
        type Route @shareable {
          hub: String!
          day: String!
          seq: Int!
        }
      `,
      resolvers: {
        Query: { manifest: (_: unknown, args: { id: string }) => manifests.find((m) => m.id === args.id) ?? null },
        Manifest: {
          __resolveReference: (ref: { id: string }) => manifests.find((m) => m.id === ref.id) ?? null,
          // Tracking holds everything about a parcel except its weight.
          parcels: (m: (typeof manifests)[number]) => m.parcelIds.map((id) => withoutWeight(byId(id))),
        },
        Parcel: {
          __resolveReference: (ref: { id: string; route: { day: string; seq: number }; weight?: number }) => {
            const parcel = byId(ref.id);
            if (!parcel || parcel.route.day !== ref.route.day || parcel.route.seq !== ref.route.seq) return null;
            return { ...withoutWeight(parcel), weight: ref.weight };
          },
          label: (p: { id: string; weight?: number }) => {
            if (typeof p.weight !== "number") throw new GraphQLError(`the weight of ${p.id} was not provided`, { extensions: { code: "MISSING_REQUIREMENT" } });
            return `${p.id}: ${p.weight} kg`;
          },
        },
      },
    },
  ],
  cases: [
    {
      id: "nested-entity-requires",
      behaviour: "@key: many keys, each resolvable in one subgraph",
      query: gql`
        {
          manifest(id: "m1") {
            id
            parcels {
              id
              weight
              label
            }
          }
        }
      `,
      expected: {
        data: {
          manifest: {
            id: "m1",
            parcels: [
              { id: "p1", weight: 3, label: "p1: 3 kg" },
              { id: "p2", weight: 12, label: "p2: 12 kg" },
            ],
          },
        },
      },
    },
    {
      id: "label-only",
      behaviour: "@key: many keys, each resolvable in one subgraph",
      query: gql`
        {
          manifest(id: "m1") {
            parcels {
              label
            }
          }
        }
      `,
      expected: { data: { manifest: { parcels: [{ label: "p1: 3 kg" }, { label: "p2: 12 kg" }] } } },
    },
    {
      id: "shareable-and-keys",
      behaviour: "@key: many keys, each resolvable in one subgraph",
      query: gql`
        {
          manifest(id: "m1") {
            parcels {
              barcode
              status
              route {
                hub
                day
                seq
              }
              label
            }
          }
        }
      `,
      expected: {
        data: {
          manifest: {
            parcels: [
              { barcode: "BC-1", status: "sorted", route: { hub: "LYS", day: "mon", seq: 1 }, label: "p1: 3 kg" },
              { barcode: "BC-2", status: "loaded", route: { hub: "LYS", day: "mon", seq: 2 }, label: "p2: 12 kg" },
            ],
          },
        },
      },
    },
    {
      // Depot answers the root; tracking is reached by the composite key it can resolve.
      id: "from-depot",
      behaviour: "@key: many keys, each resolvable in one subgraph",
      query: gql`
        {
          parcelByBarcode(barcode: "BC-3") {
            id
            status
            label
          }
        }
      `,
      expected: { data: { parcelByBarcode: { id: "p3", status: "sorted", label: "p3: 7 kg" } } },
    },
  ],
};

function withoutWeight(parcel: (typeof parcels)[number] | null) {
  if (!parcel) return null;
  const { weight: _weight, ...rest } = parcel;
  return rest;
}
