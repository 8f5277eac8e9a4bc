import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type GraphQLField, type GraphQLSchema, buildASTSchema, isEnumType, isObjectType, parse } from "graphql";
import { PUBLIC_CONTRACT as CONTRACT } from "../../scripts/public-contract";

function signature(field: GraphQLField<unknown, unknown>): string {
  const args = field.args
    .map((a) => `${a.name}: ${a.type}${a.defaultValue !== undefined ? ` = ${JSON.stringify(a.defaultValue)}` : ""}`)
    .sort()
    .join(", ");
  return `${field.type}(${args})`;
}

describe("the public contract", () => {
  const supergraph: GraphQLSchema = buildASTSchema(parse(readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8")), { assumeValidSDL: true });
  const contract = buildASTSchema(parse(CONTRACT), { assumeValidSDL: true });

  for (const type of Object.values(contract.getTypeMap())) {
    if (type.name.startsWith("__") || ["String", "ID", "Int", "Boolean", "Float"].includes(type.name)) continue;
    it(`offers ${type.name} as the contract names it`, () => {
      const actual = supergraph.getType(type.name);
      expect(actual?.name).toBe(type.name);
      if (isObjectType(type)) {
        expect(isObjectType(actual)).toBe(true);
        if (!isObjectType(actual)) return;
        for (const field of Object.values(type.getFields())) {
          const offered = actual.getFields()[field.name];
          expect(`${type.name}.${field.name}: ${offered ? signature(offered) : "missing"}`).toBe(`${type.name}.${field.name}: ${signature(field)}`);
        }
      }
      if (isEnumType(type) && isEnumType(actual)) {
        const values = actual.getValues().map((v) => v.name);
        for (const v of type.getValues()) expect(values).toContain(v.name);
      }
    });
  }
});
