import { readFileSync } from "node:fs";
import { join } from "node:path";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { failAloneViolations, timelineStanding } from "./fail-alone";

const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@inaccessible"])`;

/** A supergraph of small subgraphs, composed as `npm run schema` composes the units. */
function compose(subgraphs: Record<string, string>): string {
  const result = composeServices(Object.entries(subgraphs).map(([name, sdl]) => ({ name, typeDefs: parse(`${LINK}\n${sdl}`), url: `http://127.0.0.1/${name}` })));
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join("\n"));
  return result.supergraphSdl;
}

const rules = (sdl: string) => failAloneViolations(sdl).map((v) => `${v.rule} ${v.coordinate} [${v.units.join(",")}]`);

describe("the fail-alone rule", () => {
  it("holds for the committed supergraph", () => {
    expect(failAloneViolations(readFileSync(join(__dirname, "..", "schema", "supergraph.graphql"), "utf8"))).toEqual([]);
  });

  it("flags non-null fields of two units on one entity: either unit's failure would null the other's", () => {
    const sdl = compose({
      billing: `type Query { customer(id: ID!): Customer } type Customer @key(fields: "id") { id: ID! name: String! }`,
      bookings: `type Customer @key(fields: "id") { id: ID! stayCount: Int! }`,
    });
    expect(rules(sdl)).toEqual(["2 Customer.name [billing,bookings]", "2 Customer.stayCount [billing,bookings]"]);
    expect(failAloneViolations(sdl)[1].message).toMatch(/Customer\.stayCount \(bookings\) is non-null, and so are fields of billing on Customer/);
  });

  it("lets one unit own an entity, if every other unit's field on it is nullable and refers to it nullably", () => {
    const owned = compose({
      retail: `type Query { product(sku: ID!): Product } type Product @key(fields: "sku") { sku: ID! name: String! }`,
      promotions: `type Product @key(fields: "sku") { sku: ID! price: Int } type Quote { product: Product }`,
    });
    expect(rules(owned)).toEqual([]);
    const badReference = compose({
      retail: `type Query { product(sku: ID!): Product } type Product @key(fields: "sku") { sku: ID! name: String! }`,
      promotions: `type Product @key(fields: "sku") { sku: ID! price: Int } type Quote { product: Product! } extend type Query { quote: Quote }`,
    });
    expect(rules(badReference)).toEqual(["3 Quote.product [promotions,retail]"]);
  });

  it("flags a non-null root field, and a root lookup of an owned entity by another unit", () => {
    const sdl = compose({
      retail: `type Query { products: [Product!]! } type Product @key(fields: "sku") { sku: ID! name: String! }`,
      promotions: `type Query { bestSeller: Product } type Product @key(fields: "sku", resolvable: false) { sku: ID! }`,
    });
    expect(rules(sdl)).toEqual(["1 Query.products [retail]", "3 Query.bestSeller [promotions,retail]"]);
  });

  it("flags a non-null field that @requires another unit's fields", () => {
    const sdl = compose({
      retail: `type Query { product(sku: ID!): Product } type Product @key(fields: "sku") { sku: ID! listPrice: Int! }`,
      promotions: `type Product @key(fields: "sku") { sku: ID! listPrice: Int! @external finalPrice: Int! @requires(fields: "listPrice") }`,
    });
    expect(rules(sdl)).toContain("2 Product.finalPrice [promotions,retail]");
  });

  it("ignores fields clients cannot see (@inaccessible) and keys", () => {
    const sdl = compose({
      billing: `type Query { customer(id: ID!): Customer } type Customer @key(fields: "id") { id: ID! name: String }`,
      bookings: `type Customer @key(fields: "id") { id: ID! bookingsTouchPoints: [String!]! @inaccessible }`,
    });
    expect(rules(sdl)).toEqual([]);
  });

  it("says whether a unit hands its touch points to the timeline, and whether the merger reads them yet", () => {
    const merger = (units: string[]) =>
      `type Customer @key(fields: "id") { id: ID! ${units.map((u) => `${u}TouchPoints: [String!] @external`).join(" ")} timeline: [String!] @requires(fields: "${units.map((u) => `${u}TouchPoints`).join(" ")}") } type Query { me: Customer @shareable }`;
    const unit = (name: string, touchPoints = true) => `type Customer @key(fields: "id") { id: ID! ${name}Since: String ${touchPoints ? `${name}TouchPoints: [String!] @inaccessible` : ""} }`;
    const sdl = compose({ promotions: merger(["bookings"]), bookings: unit("bookings"), support: unit("support"), legacy: unit("legacy", false) });
    expect(["promotions", "bookings", "support", "legacy"].map((u) => timelineStanding(sdl, u))).toEqual(["merger", "joined", "pending", "missing"]);
  });
});
