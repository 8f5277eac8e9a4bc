import { readFileSync } from "node:fs";
import { join } from "node:path";
import { apiSchema, compareApis, formatReport, isBreaking } from "./contract";
import { PUBLIC_CONTRACT } from "./public-contract";

const BEFORE = `
enum Channel { WEB STORE }
type Offer { code: ID!  title: String!  legacyCode: String }
type Query {
  offer(code: ID!): Offer
  offers(first: Int = 20, channel: Channel): [Offer!]!
}`;
const CONTRACT = `enum Channel { WEB STORE } type Offer { code: ID! title: String! } type Query { offer(code: ID!): Offer offers(first: Int = 20): [Offer!]! }`;

describe("contract diff", () => {
  it("flags a removed field, naming it, and says whether the public contract has it", () => {
    const report = compareApis(BEFORE, BEFORE.replace("legacyCode: String", "").replace("title: String!", ""), { contract: CONTRACT });
    expect(report.breaking.map((c) => [c.type, c.coordinate, c.contract])).toEqual([
      ["FIELD_REMOVED", "Offer.title", true],
      ["FIELD_REMOVED", "Offer.legacyCode", false],
    ]);
    expect(isBreaking(report)).toBe(true);
    expect(formatReport(report, "schema/supergraph.graphql")).toMatch(/✗ Offer\.title was removed\.\s+\[public contract\]/);
  });

  it.each([
    ["a retyped field", "title: String!", "title: Int!", "FIELD_CHANGED_KIND", "Offer.title"],
    ["a removed argument", ", channel: Channel", "", "ARG_REMOVED", "Query.offers"],
    ["a removed enum value", "enum Channel { WEB STORE }", "enum Channel { WEB }", "VALUE_REMOVED_FROM_ENUM", "Channel.STORE"],
    ["a new required argument", "offer(code: ID!)", "offer(code: ID!, market: String!)", "REQUIRED_ARG_ADDED", "Query.offer"],
    ["a changed default the contract fixes", "first: Int = 20", "first: Int = 10", "ARG_DEFAULT_VALUE_CHANGE", "Query.offers"],
  ])("flags %s", (_what, from, to, type, coordinate) => {
    const report = compareApis(BEFORE, BEFORE.replace(from, to), { contract: CONTRACT });
    expect(report.breaking).toEqual([expect.objectContaining({ type, coordinate, contract: true })]);
  });

  it("passes additive changes and lists them", () => {
    const after = BEFORE.replace("legacyCode: String }", "legacyCode: String  validUntil: String }")
      .replace("enum Channel { WEB STORE }", "enum Channel { WEB STORE PARTNER }\ntype Partner { id: ID! }")
      .replace("offer(code: ID!)", "offer(code: ID!, at: String)");
    const report = compareApis(BEFORE, after, { contract: CONTRACT });
    expect(isBreaking(report)).toBe(false);
    expect(report.added).toEqual(["Channel.PARTNER", "Offer.validUntil", "Partner", "Partner.id"]);
    expect(report.notes.map((c) => c.type)).toEqual(expect.arrayContaining(["VALUE_ADDED_TO_ENUM", "OPTIONAL_ARG_ADDED"]));
  });

  it("names the operations clients send that would stop validating", () => {
    const operations = [
      { name: "Offer", query: '{ offer(code: "X") { code legacyCode } }' },
      { name: "Fine", query: '{ offer(code: "X") { code } }' },
      { name: "AlreadyBroken", query: "{ nothing }" },
    ];
    const report = compareApis(BEFORE, BEFORE.replace("legacyCode: String", ""), { operations });
    expect(report.brokenOperations).toEqual([{ name: "Offer", errors: [expect.stringMatching(/legacyCode/)] }]);
  });

  describe("on the committed supergraph", () => {
    const supergraph = readFileSync(join(__dirname, "..", "schema", "supergraph.graphql"), "utf8");

    it("sees what clients see: no federation machinery, nothing @inaccessible", () => {
      const api = apiSchema(supergraph);
      expect(api.getType("join__Graph")).toBeUndefined();
      expect(api.getType("BasketItem")).toBeUndefined();
      expect(api.getDirectives().map((d) => d.name)).not.toContain("join__field");
      expect(Object.keys((api.getType("Customer") as unknown as { getFields(): object }).getFields())).not.toContain("billingTouchPoints");
      expect(compareApis(supergraph, supergraph, { contract: PUBLIC_CONTRACT })).toEqual({ breaking: [], notes: [], brokenOperations: [], added: [] });
    });

    it("lets a unit change what only the planner reads", () => {
      const withoutInternal = supergraph.replace(/\n\s*"""[^"]*"""\n\s*billingTouchPoints: .*$/m, "");
      expect(withoutInternal).not.toEqual(supergraph);
      expect(isBreaking(compareApis(supergraph, withoutInternal))).toBe(false);
    });
  });
});
