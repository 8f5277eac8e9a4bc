import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Supergraph } from "@apollo/federation-internals";
import { type GraphQLField, type GraphQLObjectType, type GraphQLSchema, getNamedType, isLeafType, isObjectType, parse, validate } from "graphql";
import { Random } from "../../demo/random";

/*
 * Random valid operations over the public API schema, for differential tests
 * (gateway against a reference). Seeded: the same seed gives the same
 * operations. Arguments come from a small pool of ids the demo world really
 * has, so that answers carry data and nested entity chains are followed.
 */

export interface RandomOperation {
  query: string;
  variables: Record<string, boolean>;
  /** Response keys (names or aliases) under which the given schema coordinates ("Customer.offers") were selected. */
  keysOf: Map<string, Set<string>>;
}

export function publicApiSchema(root: string): GraphQLSchema {
  const sdl = readFileSync(join(root, "schema", "supergraph.graphql"), "utf8");
  return Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const CUSTOMERS = [1, 2, 3, 4, 5, 7, 12, 23, 31, 42, 50].map((n) => `C${pad(n, 6)}`);
const SKUS = [1, 2, 5, 10, 17, 23, 31, 40].map((n) => `SKU-${pad(n, 4)}`);
const EMAILS = ["maria.schmidt@example.com", "tom.becker@example.com", "nobody@example.com"];
const OFFERS = ["OUTDOOR15", "BOOKS5", "NEWS10HOME", "MEMBERS-WELCOME", "SILVER-20", "TOYS2023", "NO-SUCH-CODE"];
const CATEGORIES = ["Outdoor", "Home", "Books", "Kitchen"];

export interface GeneratorOptions {
  /** Deepest selection below the root field (the gateway counts the root field too). */
  maxDepth: number;
  /** Customer ids to pick from (a customer caller mostly asks about themself). */
  customers?: readonly string[];
}

export function generateOperation(schema: GraphQLSchema, rnd: Random, options: GeneratorOptions): RandomOperation {
  const customers = options.customers ?? CUSTOMERS;
  const variables: Record<string, boolean> = {};
  const keysOf = new Map<string, Set<string>>();
  let aliases = 0;

  const argument = (field: string, name: string): string | undefined => {
    if (name === "first") return String(rnd.int(1, 3));
    if (name === "id" || name === "customerId") return JSON.stringify(rnd.pick(customers));
    if (name === "email") return JSON.stringify(rnd.pick(EMAILS));
    if (name === "sku") return JSON.stringify(rnd.pick(SKUS));
    if (name === "code") return JSON.stringify(rnd.pick(OFFERS));
    if (name === "text") return JSON.stringify(rnd.pick(["schmidt", "mar", "be", "zzz"]));
    if (name === "category") return JSON.stringify(rnd.pick(CATEGORIES));
    if (name === "lines") return `[${Array.from({ length: rnd.int(1, 3) }, () => `{ sku: ${JSON.stringify(rnd.pick(SKUS))}, quantity: ${rnd.int(1, 4)} }`).join(", ")}]`;
    if (name === "status") return field === "invoices" ? rnd.pick(["OPEN", "PAID"]) : rnd.pick(["COMPLETED", "CONFIRMED"]);
    return undefined;
  };
  const args = (field: GraphQLField<unknown, unknown>) => {
    const given = field.args.flatMap((a) => {
      // Required arguments always; `first` always (keeps lists small); the rest now and then.
      const wanted = a.type.toString().endsWith("!") || a.name === "first" || (a.name !== "after" && rnd.chance(0.3));
      const value = wanted ? argument(field.name, a.name) : undefined;
      return value === undefined ? [] : [`${a.name}: ${value}`];
    });
    return given.length ? `(${given.join(", ")})` : "";
  };
  const directive = () => {
    if (!rnd.chance(0.08)) return "";
    const name = `v${Object.keys(variables).length}`;
    variables[name] = rnd.chance(0.5);
    return ` ${rnd.pick(["@skip", "@include"])}(if: $${name})`;
  };
  const responseKey = (type: GraphQLObjectType, field: string) => {
    let key = field;
    if (aliases < 20 && rnd.chance(0.15)) key = `a${aliases++}`;
    const coordinate = `${type.name}.${field}`;
    if (!keysOf.has(coordinate)) keysOf.set(coordinate, new Set());
    keysOf.get(coordinate)!.add(key);
    return key === field ? field : `${key}: ${field}`;
  };

  const selection = (type: GraphQLObjectType, depth: number): string => {
    const fields = Object.values(type.getFields());
    const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)));
    const objects = fields.filter((f) => isObjectType(getNamedType(f.type)));
    const parts: string[] = [];
    // Deep chains matter most: below the limit, follow one or two object fields more often than not.
    const nested = depth < options.maxDepth ? objects.filter(() => rnd.chance(0.35)) : [];
    for (const f of nested.slice(0, 3)) {
      const inner = selection(getNamedType(f.type) as GraphQLObjectType, depth + 1);
      parts.push(`${responseKey(type, f.name)}${args(f)}${directive()} { ${inner} }`);
    }
    const picked = leaves.filter(() => rnd.chance(0.3));
    if (picked.length === 0 && leaves.length) picked.push(rnd.pick(leaves));
    for (const f of picked) parts.push(`${responseKey(type, f.name)}${args(f)}${directive()}`);
    if (rnd.chance(0.15)) parts.push(aliases < 20 && rnd.chance(0.3) ? `a${aliases++}: __typename` : "__typename");
    // A type without leaf fields (Price) at the depth limit still needs one field.
    if (parts.length === 0) parts.push("__typename");
    if (rnd.chance(0.1) && leaves.length) parts.push(`... on ${type.name}${directive()} { ${responseKey(type, rnd.pick(leaves).name)} }`);
    // Order varies too: the answer's key order must follow the document's.
    for (let i = parts.length - 1; i > 0; i--) {
      const j = rnd.int(0, i);
      [parts[i], parts[j]] = [parts[j], parts[i]];
    }
    return parts.join(" ");
  };

  const query = schema.getQueryType()!;
  const roots = ["customer", "customer", "customer", "customerByEmail", "product", "products", "offer", "quote", "searchCustomers"];
  const rootField = query.getFields()[rnd.pick(roots)];
  const rootType = getNamedType(rootField.type) as GraphQLObjectType;
  const body = `${responseKey(query, rootField.name)}${args(rootField)} { ${selection(rootType, 1)} }`;
  const declared = Object.keys(variables).map((v) => `$${v}: Boolean!`);
  return { query: `query Random${declared.length ? `(${declared.join(", ")})` : ""} { ${body} }`, variables, keysOf };
}

/** `count` operations that pass validation against `schema` (invalid ones, e.g. fields merged with different arguments, are dropped). */
export function generateOperations(schema: GraphQLSchema, seed: number, count: number, options: GeneratorOptions): RandomOperation[] {
  const rnd = new Random(seed);
  const out: RandomOperation[] = [];
  for (let tries = 0; out.length < count && tries < count * 10; tries++) {
    const op = generateOperation(schema, rnd, options);
    if (validate(schema, parse(op.query)).length === 0) out.push(op);
  }
  return out;
}
