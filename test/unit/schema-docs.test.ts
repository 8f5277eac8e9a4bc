import { readFileSync } from "node:fs";
import { join } from "node:path";
import { unitNames } from "../../kit/manifest";
import { type GraphQLNamedType, buildASTSchema, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isSpecifiedScalarType, parse } from "graphql";

/**
 * GraphiQL's docs are the supergraph's descriptions: every type says which
 * unit owns it, every field says what it is, and every root field says which
 * unit answers it.
 */
// The units are the manifest's, so a unit added with new-subgraph is held to it too.
const OWNER = new RegExp(`\\b(${[...unitNames(), "every unit"].join("|")})\\b`, "i");
const supergraph = buildASTSchema(parse(readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8")), { assumeValidSDL: true });
const roots = new Set([supergraph.getQueryType(), supergraph.getMutationType(), supergraph.getSubscriptionType()].filter(Boolean).map((t) => t!.name));
const types = Object.values(supergraph.getTypeMap()).filter((t: GraphQLNamedType) => !t.name.startsWith("__") && !/^(join|link)__/.test(t.name) && !(isScalarType(t) && isSpecifiedScalarType(t)));

describe("schema docs", () => {
  it.each(types.filter((t) => !roots.has(t.name)).map((t) => [t.name, t] as const))("%s says which unit owns it", (_name, type) => {
    expect(`${type.name}: ${type.description ?? "(no description)"}`).toMatch(OWNER);
  });

  it.each(types.filter((t) => isObjectType(t) || isInterfaceType(t) || isInputObjectType(t)).map((t) => [t.name, t] as const))("every field of %s is described", (_name, type) => {
    const fields = Object.values((type as { getFields(): Record<string, { name: string; description?: string | null }> }).getFields());
    const undescribed = fields.filter((f) => !f.description).map((f) => `${type.name}.${f.name}`);
    expect(undescribed).toEqual([]);
    if (roots.has(type.name)) for (const f of fields) expect(`${type.name}.${f.name}: ${f.description}`).toMatch(OWNER);
  });
});
