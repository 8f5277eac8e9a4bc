import { touchPointsField } from "../kit/manifest";
import { type ConstDirectiveNode, type FieldDefinitionNode, Kind, type ObjectTypeDefinitionNode, type TypeNode, parse } from "graphql";

/**
 * The rule that lets a unit fail alone, checked on a composed supergraph.
 *
 * When a subgraph fetch fails, its fields are null. GraphQL then nulls the
 * nearest nullable place above each non-null one, taking everything under it,
 * whichever unit it came from. So where one unit's failure must cost only its
 * own fields, nullability is a design decision, not a detail:
 *
 * 1. Every field of Query and Mutation is nullable. One request may ask
 *    fields of several units; a non-null one that fails nulls `data` whole.
 * 2. On an entity several units contribute to, at most one unit contributes
 *    non-null fields (besides the key): the entity's owner. Every other unit's
 *    fields are nullable, so a unit that fails nulls only its own fields (and
 *    those that @requires them). A failing owner nulls the entity, which is
 *    its to lose. Customer has no owner: every field but `id` is nullable.
 *    And a field that @requires another unit's fields is nullable: it cannot
 *    be computed while that unit is down, and must not take its object along.
 * 3. An owned entity is referenced nullably by other units, and only its
 *    owner looks it up from the root, so a failing owner costs no other unit's
 *    data above it.
 */
export interface Violation {
  rule: 1 | 2 | 3;
  /** The schema coordinate at fault, e.g. "Customer.stayCount". */
  coordinate: string;
  /** Units whose fields the violation involves; a change to any of them is held to it. */
  units: string[];
  message: string;
}

interface FieldInfo {
  coordinate: string;
  type: TypeNode;
  /** Units that resolve the field (not merely declare it @external). */
  units: string[];
  /** The top-level fields it @requires, by the units that own them. */
  requires: string[];
  visible: boolean;
}

const RULE = "a unit that fails must cost only its own fields and those that need them";

export function failAloneViolations(supergraphSdl: string): Violation[] {
  const document = parse(supergraphSdl);
  const graphs = graphNames(document.definitions);
  const objects = document.definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION);
  const violations: Violation[] = [];
  const fieldsOf = (type: ObjectTypeDefinitionNode) => {
    const typeGraphs = directives(type, "join__type").map((d) => graphs.get(argument(d, "graph")) ?? "?");
    return (type.fields ?? []).map((field) => describeField(type.name.value, field, typeGraphs, graphs));
  };

  const ownersOf = new Map<string, string[]>();
  for (const type of objects) for (const f of fieldsOf(type)) ownersOf.set(f.coordinate, f.units);
  const owners = new Map<string, string>();
  for (const type of objects) {
    const name = type.name.value;
    for (const f of fieldsOf(type).filter((f) => f.visible && f.type.kind === Kind.NON_NULL_TYPE)) {
      const others = [...new Set(f.requires.flatMap((r) => ownersOf.get(`${name}.${r}`) ?? []))].filter((u) => !f.units.includes(u));
      if (others.length > 0) {
        violations.push({
          rule: 2,
          coordinate: f.coordinate,
          units: [...f.units, ...others],
          message: `${f.coordinate} (${f.units.join(", ")}) @requires fields of ${others.join(", ")} and is non-null: while ${others.join(", ")} is down it cannot be computed, and its null would take the whole ${name} with it. Make it nullable (${RULE}).`,
        });
      }
    }
    if (name === "Query" || name === "Mutation") {
      for (const f of fieldsOf(type).filter((f) => f.visible && f.type.kind === Kind.NON_NULL_TYPE)) {
        violations.push({ rule: 1, coordinate: f.coordinate, units: f.units, message: `${f.coordinate} (${f.units.join(", ")}) is non-null: if it fails, the whole response is null, other units' root fields with it. Make it nullable (${RULE}).` });
      }
      continue;
    }
    const keys = keyFields(type);
    if (keys.size === 0) continue;
    const nonNull = fieldsOf(type).filter((f) => f.visible && !keys.has(f.coordinate.split(".")[1]) && f.type.kind === Kind.NON_NULL_TYPE);
    const units = [...new Set(nonNull.flatMap((f) => f.units))];
    if (units.length === 1) owners.set(name, units[0]);
    if (units.length > 1) {
      for (const f of nonNull) {
        violations.push({
          rule: 2,
          coordinate: f.coordinate,
          units,
          message: `${f.coordinate} (${f.units.join(", ")}) is non-null, and so are fields of ${units.filter((u) => !f.units.includes(u)).join(", ")} on ${name}: each unit's failure would null the whole ${name}, the other units' fields with it. At most one unit, the entity's owner, may contribute non-null fields; make the others' nullable (${RULE}).`,
        });
      }
    }
  }

  for (const type of objects) {
    for (const f of fieldsOf(type).filter((f) => f.visible)) {
      const owner = owners.get(namedType(f.type));
      if (!owner || f.units.every((u) => u === owner)) continue;
      const root = type.name.value === "Query" || type.name.value === "Mutation";
      if (root) {
        violations.push({
          rule: 3,
          coordinate: f.coordinate,
          units: [...f.units, owner],
          message: `${f.coordinate} (${f.units.join(", ")}) looks up ${namedType(f.type)}, whose owner is ${owner} (its only unit with non-null fields): only the owner may resolve it from the root, or ${namedType(f.type)}'s fields must be nullable (${RULE}).`,
        });
      } else if (f.type.kind === Kind.NON_NULL_TYPE) {
        violations.push({
          rule: 3,
          coordinate: f.coordinate,
          units: [...f.units, owner],
          message: `${f.coordinate} (${f.units.join(", ")}) is a non-null ${namedType(f.type)}, owned by ${owner}: when ${owner} fails, the null reaches ${f.units.join(", ")}'s ${type.name.value}. Make it nullable (${RULE}).`,
        });
      }
    }
  }
  return violations;
}

/**
 * Where a unit stands with the customer timeline: it merges it ("merger"),
 * it hands over its touch points and the merger reads them ("joined"), it
 * hands them over but the merger as deployed does not read them yet
 * ("pending": the merger reads the units from the manifest when next built),
 * or it hands none over ("missing"). Null when the graph has no timeline.
 */
export function timelineStanding(supergraphSdl: string, unit: string): "merger" | "joined" | "pending" | "missing" | null {
  const document = parse(supergraphSdl);
  const graphs = graphNames(document.definitions);
  const customer = document.definitions.find((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === "Customer");
  const fields = customer?.fields ?? [];
  const timeline = fields.find((f) => f.name.value === "timeline");
  const join = timeline ? directives(timeline, "join__field")[0] : undefined;
  if (!join) return null;
  if (graphs.get(argument(join, "graph")) === unit) return "merger";
  const name = touchPointsField(unit);
  const own = fields.find((f) => f.name.value === name);
  const resolvedHere = own ? directives(own, "join__field").some((d) => graphs.get(argument(d, "graph")) === unit && argument(d, "external") !== "true") : false;
  if (!resolvedHere) return "missing";
  return new RegExp(`\\b${name}\\b`).test(argument(join, "requires")) ? "joined" : "pending";
}

function describeField(typeName: string, field: FieldDefinitionNode, typeGraphs: string[], graphs: Map<string, string>): FieldInfo {
  const joins = directives(field, "join__field");
  // A field without join__field is resolved wherever its type is (value types, single-unit types).
  const units = joins.length === 0 ? typeGraphs : joins.filter((d) => argument(d, "external") !== "true").map((d) => graphs.get(argument(d, "graph")) ?? "?");
  const requires = joins.flatMap((d) => topLevel(argument(d, "requires")));
  return { coordinate: `${typeName}.${field.name.value}`, type: field.type, units: [...new Set(units)], requires, visible: directives(field, "inaccessible").length === 0 };
}

function graphNames(definitions: readonly { kind: Kind }[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const d of definitions) {
    if (d.kind !== Kind.ENUM_TYPE_DEFINITION) continue;
    const e = d as unknown as { name: { value: string }; values?: { name: { value: string }; directives?: readonly ConstDirectiveNode[] }[] };
    if (e.name.value !== "join__Graph") continue;
    for (const v of e.values ?? []) {
      const graph = v.directives?.find((x) => x.name.value === "join__graph");
      if (graph) names.set(v.name.value, argument(graph, "name"));
    }
  }
  return names;
}

function keyFields(type: ObjectTypeDefinitionNode): Set<string> {
  return new Set(directives(type, "join__type").flatMap((d) => topLevel(argument(d, "key"))));
}

/** The top-level names of a field set: "id organization { id }" -> id, organization. */
function topLevel(fieldSet: string): string[] {
  let flat = fieldSet;
  while (/\{[^{}]*\}/.test(flat)) flat = flat.replace(/\{[^{}]*\}/g, " ");
  return flat.split(/\s+/).filter(Boolean);
}

function directives(node: { directives?: readonly ConstDirectiveNode[] }, name: string): ConstDirectiveNode[] {
  return (node.directives ?? []).filter((d) => d.name.value === name);
}

function argument(directive: ConstDirectiveNode, name: string): string {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  if (!value) return "";
  if (value.kind === Kind.STRING || value.kind === Kind.ENUM) return value.value;
  if (value.kind === Kind.BOOLEAN) return String(value.value);
  return "";
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}
