import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Supergraph } from "@apollo/federation-internals";
import { parse, validate } from "graphql";
import { examplesFile } from "../scripts/graphiql";
import { OFFERS } from "./catalogue";
import { EXAMPLES, HOME_SKU, MEMBERS_VOUCHER } from "./examples";
import { NAMED, generateWorld } from "./world";

// The schema as the gateway serves it (its API schema, @defer included).
const supergraph = Supergraph.build(readFileSync(join(__dirname, "..", "schema", "supergraph.graphql"), "utf8"))
  .apiSchema()
  .toGraphQLJSSchema({ includeDefer: true });
/** Mutations announced in the contract that may not have landed in the supergraph yet. */
const arriving = ["redeemOffer"].filter((name) => !supergraph.getMutationType()?.getFields()[name]);

describe("GraphiQL's worked examples", () => {
  it.each(EXAMPLES.map((e) => [e.title, e] as const))("%s is valid against the committed supergraph", (_title, example) => {
    const errors = validate(supergraph, parse(example.query)).map((e) => e.message);
    const pending = arriving.filter((name) => example.query.includes(`${name}(`));
    if (pending.length === 0) expect(errors).toEqual([]);
    else for (const message of errors) expect(message).toMatch(/mutation|redeemOffer|\$/i);
  });

  it("uses ids the demo world has", () => {
    const world = generateWorld();
    expect(world.products.find((p) => p.sku === HOME_SKU)?.category).toBe("Home");
    expect(OFFERS.map((o) => o.code)).toContain(MEMBERS_VOUCHER);
    const ids = new Set<string>(Object.values(NAMED));
    for (const e of EXAMPLES) for (const id of JSON.stringify(e.variables).match(/C\d{6}/g) ?? []) expect(ids).toContain(id);
  });

  it("covers what a newcomer should try first, starting with the 360° view", () => {
    const names = EXAMPLES.map((e) => /^(query|mutation) (\w+)/m.exec(e.query)?.[2]);
    expect(names).toEqual(["Customer360", "Customer360Deferred", "PriceOnTheWeb", "PriceAtTheTill", "Timeline", "ComplaintTheStoreShouldKnow", "Quote", "Redeem", "PartnerCatalogue"]);
  });

  it("bundles as data whose headers keep the token placeholder out of the request", () => {
    const file = JSON.parse(examplesFile(EXAMPLES)) as { headers: string; examples: { headers: string; variables: string }[] };
    for (const headers of [file.headers, ...file.examples.map((e) => e.headers)]) {
      expect(headers).toMatch(/\/\/ "Authorization": "Bearer <token: see README>"/);
      const sent = JSON.parse(headers.replace(/^\s*\/\/.*$/gm, "")) as Record<string, string>;
      expect(Object.keys(sent)).toEqual(["x-channel"]);
    }
    expect(JSON.parse(file.examples[0].variables)).toEqual({ id: NAMED.returningGuest });
  });
});
