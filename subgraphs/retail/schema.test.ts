import { composeServices } from "@apollo/composition";
import { parse, printSchema } from "graphql";
import { unit } from "./unit";

describe("retail's subgraph schema", () => {
  it("composes, and keeps the fields only other units read out of the client API", async () => {
    const { sdl } = await unit.buildSchema();
    const result = composeServices([{ name: "retail", typeDefs: parse(sdl), url: "http://retail.invalid/graphql" }]);
    expect(result.errors).toBeUndefined();
    const api = printSchema(result.schema!.toAPISchema().toGraphQLJSSchema());
    for (const visible of ["products(", "categories:", "type ProductPage", "type LoyaltyMembership", "type OrderLine", "orders(first: Int = 20)"]) expect(api).toContain(visible);
    for (const hidden of ["retailTouchPoints", "basket:", "BasketItem"]) expect(api).not.toContain(hidden);
  });
});
