import { type FieldNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLObjectType, type GraphQLSchema, type SelectionSetNode, Kind, buildASTSchema, getNamedType, isNonNullType, isObjectType, parse } from "graphql";

/**
 * What an answer must keep while one unit is down, derived from the
 * supergraph rather than listed by hand: a field depends on the unit that
 * resolves it (join__field), on the units of the fields it @requires, and on
 * everything its parents depend on. A unit's failure may also null whatever
 * a non-null field of it sits in, so that is counted too, as GraphQL would
 * propagate it. Everything else must be answered as when every unit is up.
 */
export type Dependencies = Map<string, Set<string>>;

/** For each response path of the operation ("customer.bookings.invoice.number", no list indexes), the units whose failure may lose it. */
export function dependenciesOf(supergraphSdl: string, query: string): Dependencies {
  const schema = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
  const graphs = graphNames(schema);
  const document = parse(query);
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) throw new Error("no operation in the document");
  const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  const own = new Map<string, Set<string>>();

  /** Walks a selection set; returns the units that would null the object it selects on (through its non-null fields). */
  const walk = (selections: SelectionSetNode, type: GraphQLObjectType, path: string[], inherited: Set<string>): Set<string> => {
    const nulling = new Set<string>();
    for (const field of fieldsOf(selections, type, fragments)) {
      const key = field.alias?.value ?? field.name.value;
      const here = [...path, key];
      const definition = type.getFields()[field.name.value];
      const deps = new Set(inherited);
      if (definition) for (const unit of unitsOf(definition, type, graphs)) deps.add(unit);
      const named = definition ? getNamedType(definition.type) : undefined;
      const lost = new Set(deps);
      if (field.selectionSet && named && isObjectType(named)) for (const unit of walk(field.selectionSet, named, here, deps)) lost.add(unit);
      own.set(here.join("."), lost);
      if (definition && isNonNullType(definition.type)) for (const unit of lost) nulling.add(unit);
    }
    return nulling;
  };
  if (!root) throw new Error("the supergraph has no such root type");
  const whole = walk(operation.selectionSet, root, [], new Set());
  // What nulls an ancestor loses everything under it.
  const result: Dependencies = new Map();
  for (const [path, units] of own) {
    const all = new Set([...units, ...whole]);
    const parts = path.split(".");
    for (let i = 1; i < parts.length; i += 1) for (const unit of own.get(parts.slice(0, i).join(".")) ?? []) all.add(unit);
    result.set(path, all);
  }
  return result;
}

/**
 * The paths where `answer` lacks what `baseline` (the same operation with
 * every unit up) has, leaving out what may be lost while `unit` is down.
 */
export function missingUnaffected(baseline: unknown, answer: unknown, dependencies: Dependencies, unit: string, path: string[] = [], at = ""): string[] {
  const key = path.join(".");
  if (path.length > 0 && (dependencies.get(key)?.has(unit) ?? false)) return [];
  if (Array.isArray(baseline)) {
    if (!Array.isArray(answer) || answer.length !== baseline.length) return [at || "data"];
    return baseline.flatMap((item, i) => missingUnaffected(item, answer[i], dependencies, unit, path, `${at}[${i}]`));
  }
  if (baseline !== null && typeof baseline === "object") {
    if (answer === null || typeof answer !== "object") return [at || "data"];
    return Object.entries(baseline).flatMap(([name, value]) => missingUnaffected(value, (answer as Record<string, unknown>)[name], dependencies, unit, [...path, name], at ? `${at}.${name}` : name));
  }
  return JSON.stringify(baseline) === JSON.stringify(answer) ? [] : [at];
}

/** Every unit whose failure may lose something of the operation: the units it depends on at all. */
export function unitsTouched(dependencies: Dependencies): Set<string> {
  return new Set([...dependencies.values()].flatMap((units) => [...units]));
}

/** The units that resolve a field, and those of the fields it @requires. */
function unitsOf(field: GraphQLField<unknown, unknown>, parent: GraphQLObjectType, graphs: Map<string, string>): string[] {
  const joins = (field.astNode?.directives ?? []).filter((d) => d.name.value === "join__field");
  const resolving = joins.filter((d) => argument(d, "external") !== "true").map((d) => graphs.get(argument(d, "graph")) ?? "?");
  // A field several units answer (`me`) is fetched from each for its own
  // fields, but the planner takes its key from one of them, whichever: count
  // every one of them.
  const units = [...resolving];
  for (const join of joins) {
    for (const required of topLevel(argument(join, "requires"))) {
      const other = parent.getFields()[required];
      if (other) units.push(...unitsOf(other, parent, graphs));
    }
  }
  return units;
}

function fieldsOf(selections: SelectionSetNode, type: GraphQLObjectType, fragments: Map<string, FragmentDefinitionNode>): FieldNode[] {
  return selections.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return [s];
    const fragment = s.kind === Kind.FRAGMENT_SPREAD ? fragments.get(s.name.value) : s;
    if (!fragment) return [];
    const condition = fragment.typeCondition?.name.value;
    return condition && condition !== type.name ? [] : fieldsOf(fragment.selectionSet, type, fragments);
  });
}

function graphNames(schema: GraphQLSchema): Map<string, string> {
  const names = new Map<string, string>();
  const graph = schema.getType("join__Graph");
  for (const value of graph?.astNode && "values" in graph.astNode ? (graph.astNode.values ?? []) : []) {
    const join = value.directives?.find((d) => d.name.value === "join__graph");
    if (join) names.set(value.name.value, argument(join, "name"));
  }
  return names;
}

function argument(directive: { arguments?: readonly { name: { value: string }; value: { kind: string } }[] }, name: string): string {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value as { kind: string; value?: unknown } | undefined;
  return value && "value" in value ? String(value.value) : "";
}

function topLevel(fieldSet: string): string[] {
  let flat = fieldSet;
  while (/\{[^{}]*\}/.test(flat)) flat = flat.replace(/\{[^{}]*\}/g, " ");
  return flat.split(/\s+/).filter(Boolean);
}
