import { type FieldNode, type GraphQLSchema, Kind, type SelectionSetNode, getNamedType, isInterfaceType, isObjectType, parse, print } from "graphql";
import { type BatchFetchStep, type FetchStep, type Plan, type PlanNode, type RequiredSelection, fragmentsOf } from "./plan";
import { entityKeysOf } from "./supergraph";

/*
 * What a plan asks of the units, so that two planners' plans for one
 * operation can be told apart by more than their shape. Two plans that ask
 * the same units for the same fields with the same arguments differ only
 * in how the fetches are grouped and ordered; one that asks other units, or
 * other arguments, may answer otherwise (Apollo's planner gets a few
 * federation cases wrong exactly so: test/federation/expected-failures.ts).
 *
 * A read is `unit|Type.field(arguments).subfield...`, the path starting
 * again at each entity type (an object with a key), so a field reads the
 * same whether the plan reached its entity inside a parent fetch or by an
 * entity fetch of its own. Key fields and `__typename` are left out: the
 * plans pick them to join answers, and every unit of a key agrees on it.
 *
 * A plan is unsound when it reads a `@requires` field anywhere but directly
 * in an entity fetch whose representations carry the required fields: the
 * unit would compute it without its inputs.
 */

export interface ReadModel {
  schema: GraphQLSchema;
  /** Key fields per entity type (any unit's keys). */
  keyFields: ReadonlyMap<string, ReadonlySet<string>>;
  /** Top-level fields each `unit|Type.field` requires (`@join__field(requires:)`). */
  requires: ReadonlyMap<string, readonly string[]>;
}

export interface PlanReads {
  reads: ReadonlySet<string>;
  /** Why the plan cannot be right, when it cannot. */
  unsound?: string;
}

export function readModelOf(sdl: string, schema: GraphQLSchema): ReadModel {
  const keyFields = new Map<string, Set<string>>();
  for (const [type, byUnit] of entityKeysOf(sdl)) keyFields.set(type, new Set([...byUnit.values()].flat(2)));
  const document = parse(sdl, { noLocation: true });
  const graphs = new Map<string, string>();
  const requires = new Map<string, string[]>();
  for (const d of document.definitions) {
    if (d.kind !== Kind.ENUM_TYPE_DEFINITION || d.name.value !== "join__Graph") continue;
    for (const value of d.values ?? []) {
      const name = value.directives?.find((x) => x.name.value === "join__graph")?.arguments?.find((a) => a.name.value === "name")?.value;
      if (name?.kind === Kind.STRING) graphs.set(value.name.value, name.value);
    }
  }
  for (const d of document.definitions) {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const field of d.fields ?? []) {
      for (const directive of field.directives ?? []) {
        if (directive.name.value !== "join__field") continue;
        const graph = directive.arguments?.find((a) => a.name.value === "graph")?.value;
        const fieldSet = directive.arguments?.find((a) => a.name.value === "requires")?.value;
        if (graph?.kind !== Kind.ENUM || fieldSet?.kind !== Kind.STRING) continue;
        const set = parse(`{ ${fieldSet.value} }`, { noLocation: true }).definitions[0];
        if (set.kind !== Kind.OPERATION_DEFINITION) continue;
        const fields = set.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
        requires.set(`${graphs.get(graph.value) ?? graph.value}|${d.name.value}.${field.name.value}`, fields);
      }
    }
  }
  return { schema, keyFields, requires };
}

export function planReads(plan: Plan, model: ReadModel): PlanReads {
  const reads = new Set<string>();
  let unsound: string | undefined;
  const visit = (node: PlanNode | undefined): void => {
    if (!node) return;
    switch (node.kind) {
      case "Fetch":
      case "BatchFetch":
        unsound ??= readFetch(node, model, reads);
        return;
      case "Sequence":
      case "Parallel":
        node.nodes.forEach(visit);
        return;
      case "Flatten":
        visit(node.node);
        return;
      case "Condition":
        visit(node.ifClause);
        visit(node.elseClause);
        return;
      case "Defer":
        visit(node.primary);
        for (const part of node.deferred) visit(part.node);
        return;
      case "Subscription":
        visit(node.primary);
        visit(node.rest);
        return;
    }
  };
  visit(plan.node ?? undefined);
  return { reads, unsound };
}

/** Adds one fetch's reads; returns why it is unsound, if it is. */
function readFetch(fetch: FetchStep | BatchFetchStep, model: ReadModel, reads: Set<string>): string | undefined {
  const fragments = fragmentsOf(fetch.document);
  let unsound: string | undefined;
  /** The top-level fields the representations of one `_entities` field carry, by type condition ("" for none). */
  const carried = (alias: string): Map<string, Set<string>> => {
    const required = fetch.kind === "Fetch" ? fetch.requires : fetch.batches.find((b) => b.alias === alias)?.requires;
    const byType = new Map<string, Set<string>>();
    const add = (selections: readonly RequiredSelection[] | undefined, type: string) => {
      for (const s of selections ?? []) {
        if (s.kind === "Field") byType.set(type, (byType.get(type) ?? new Set()).add(s.name));
        else add(s.selections, s.typeCondition ?? type);
      }
    };
    add(required, "");
    return byType;
  };
  const walk = (set: SelectionSetNode, type: string, path: string, representations: Map<string, Set<string>> | undefined): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        field(selection, type, path, representations);
      } else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        if (!fragment) continue;
        const on = fragment.typeCondition?.name.value ?? type;
        walk(fragment.selectionSet, on, on === type ? path : model.keyFields.has(on) ? on : `${path}~${on}`, on === type ? representations : undefined);
      }
    }
  };
  const field = (node: FieldNode, type: string, path: string, representations: Map<string, Set<string>> | undefined): void => {
    const name = node.name.value;
    if (name === "__typename") return;
    if (name === "_entities" && type === model.schema.getQueryType()?.name) {
      const carriedHere = carried(node.alias?.value ?? name);
      for (const s of node.selectionSet?.selections ?? []) {
        const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : s.kind === Kind.FRAGMENT_SPREAD ? fragments.get(s.name.value) : undefined;
        const on = fragment?.typeCondition?.name.value;
        if (fragment && on) walk(fragment.selectionSet, on, on, new Map([[on, new Set([...(carriedHere.get(on) ?? []), ...(carriedHere.get("") ?? [])])]]));
      }
      return;
    }
    const args = [...(node.arguments ?? [])]
      .sort((a, b) => a.name.value.localeCompare(b.name.value))
      .map((a) => `${a.name.value}:${print(a.value)}`)
      .join(",");
    const at = `${path}.${name}${args ? `(${args})` : ""}`;
    if (!model.keyFields.get(type)?.has(name)) reads.add(`${fetch.unit}|${at}`);
    const required = model.requires.get(`${fetch.unit}|${type}.${name}`);
    if (required) {
      const carriedHere = representations?.get(type);
      if (!carriedHere) unsound ??= `${fetch.unit} is asked for ${type}.${name} where no representation carries what it requires`;
      else if (!required.every((f) => carriedHere.has(f))) unsound ??= `${fetch.unit} is asked for ${type}.${name} without ${required.filter((f) => !carriedHere.has(f)).join(", ")} in its representations`;
    }
    if (!node.selectionSet) return;
    const parent = model.schema.getType(type);
    const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    const child = definition ? getNamedType(definition.type).name : "?";
    walk(node.selectionSet, child, model.keyFields.has(child) ? child : at, undefined);
  };
  for (const definition of fetch.document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = model.schema.getRootType(definition.operation)?.name ?? definition.operation;
    walk(definition.selectionSet, root, root, undefined);
  }
  return unsound;
}

/** Why `other` cannot stand in for `reference`: it reads other fields, or is unsound. Undefined when it can. */
export function differsFrom(other: PlanReads, reference: PlanReads): string | undefined {
  if (other.unsound) return other.unsound;
  const missing = [...reference.reads].filter((r) => !other.reads.has(r));
  const extra = [...other.reads].filter((r) => !reference.reads.has(r));
  if (missing.length === 0 && extra.length === 0) return undefined;
  const sample = (list: string[]) => list.slice(0, 3).join(", ") + (list.length > 3 ? ` (+${list.length - 3})` : "");
  return [missing.length ? `does not read ${sample(missing)}` : "", extra.length ? `reads ${sample(extra)} besides` : ""].filter(Boolean).join("; ");
}
