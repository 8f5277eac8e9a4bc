import { type FieldNode, type GraphQLSchema, Kind, type OperationDefinitionNode, OperationTypeNode, type SelectionNode, getNamedType, isLeafType, isObjectType, isInterfaceType, print, visit } from "graphql";
import type { FetchStep } from "../planning/plan";
import type { FieldUnits } from "../planning/supergraph";

/**
 * When a root fetch fails, the root fields it asked for that another unit
 * answers too (a `@shareable` root field such as `me`, which every unit
 * answers from the verified token) are asked of that unit instead, so the
 * plan goes on: the entity's key comes from there, and the later entity
 * fetches run as if the root fetch had answered (or, where the plan asked
 * several units' root fetches for the field in parallel, their answers keep
 * the key they lacked). What only the failed unit supplies stays null, with
 * its error, as after a failed entity fetch.
 *
 * The rules, each keeping the extra load on a failing graph small and the
 * answer one the units would have given:
 * - Only a query's root fetch, only when it brought back no data at all
 *   (the unit failed, or answered with errors and no data). A unit that
 *   answered, even with null and an error for the field, has decided; a
 *   mutation is never sent to another unit (it may have been applied).
 *   Subscriptions open their stream elsewhere and are not touched.
 * - The unit asked instead is the first one, in the supergraph's order of
 *   units (`join__Graph`: composition lists them by name), that resolves the
 *   root field, other than the failed one. Deterministic, so a failure
 *   always costs the same fetch; one per failed root fetch (one per such
 *   unit when its fields have different ones).
 * - That one is the only one asked: if it fails too, its error joins the
 *   first and the field is null, as without a fallback. Asking each unit in
 *   turn would multiply the load on a graph that is already failing.
 * - It is asked for the root field with the same arguments, directives and
 *   variables, and of the field's selection only `__typename` and the leaf
 *   fields it resolves itself (the key among them); object fields are left
 *   to the failed unit, so to null. A root field without such a leaf field
 *   (say `me { name }` alone) is not asked again: nothing would come of it.
 * - It goes through the unit's data source like any fetch: same caller,
 *   headers and signature, counted in metrics, logs and explain.
 */

/** A fetch asking another unit for some of a failed root fetch's fields. */
export interface RootFallback {
  /** The fetch to send instead, a plain root fetch to the other unit. */
  readonly step: FetchStep;
  /** The response names of the root fields it answers. */
  readonly fields: readonly string[];
}

const built = new WeakMap<FetchStep, readonly RootFallback[]>();

/** The fallbacks of a failed root fetch, worked out once per plan step (a plan is cached, its steps reused). */
export function rootFallbacks(fetch: FetchStep, schema: GraphQLSchema, fieldUnits: FieldUnits): readonly RootFallback[] {
  let fallbacks = built.get(fetch);
  if (!fallbacks) {
    fallbacks = fetch.operationKind === "query" && !fetch.requires ? fallbacksOf(fetch, schema, fieldUnits) : [];
    built.set(fetch, fallbacks);
  }
  return fallbacks;
}

function fallbacksOf(fetch: FetchStep, schema: GraphQLSchema, fieldUnits: FieldUnits): RootFallback[] {
  const definition = fetch.document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const root = schema.getQueryType();
  if (!definition || !root) return [];
  const byUnit = new Map<string, FieldNode[]>();
  for (const selection of definition.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.name.value.startsWith("__")) continue;
    const unit = fieldUnits.get(`${root.name}.${selection.name.value}`)?.find((u) => u !== fetch.unit);
    const field = root.getFields()[selection.name.value];
    if (!unit || !field) continue;
    const asked = askedOf(selection, getNamedType(field.type), unit, fieldUnits);
    if (asked) byUnit.set(unit, [...(byUnit.get(unit) ?? []), asked]);
  }
  return [...byUnit].map(([unit, fields]) => ({ step: fetchOf(fetch, definition, unit, fields), fields: fields.map((f) => f.alias?.value ?? f.name.value) }));
}

/** The root field as the other unit is asked for it, or undefined when it would answer nothing the plan needs. */
function askedOf(field: FieldNode, type: ReturnType<typeof getNamedType>, unit: string, fieldUnits: FieldUnits): FieldNode | undefined {
  if (!field.selectionSet) return isLeafType(type) ? field : undefined;
  if (!isObjectType(type) && !isInterfaceType(type)) return undefined;
  const fields = type.getFields();
  const kept: SelectionNode[] = [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: "__typename" } }];
  for (const selection of field.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.selectionSet || selection.name.value === "__typename") continue;
    const own = fields[selection.name.value];
    if (own && isLeafType(getNamedType(own.type)) && fieldUnits.get(`${type.name}.${selection.name.value}`)?.includes(unit)) kept.push(selection);
  }
  if (kept.length === 1) return undefined;
  return { ...field, selectionSet: { kind: Kind.SELECTION_SET, selections: kept } };
}

function fetchOf(failed: FetchStep, definition: OperationDefinitionNode, unit: string, fields: FieldNode[]): FetchStep {
  const used = new Set<string>();
  for (const field of fields) visit(field, { Variable: (node) => void used.add(node.name.value) });
  const operationName = `${failed.operationName ?? "Query"}__fallback__${unit}`;
  const document = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        name: { kind: Kind.NAME, value: operationName },
        variableDefinitions: definition.variableDefinitions?.filter((d) => used.has(d.variable.name.value)),
        selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
      },
    ],
  } as const;
  return { kind: "Fetch", unit, operation: print(document), operationName, operationKind: "query", variableUsages: [...used], document };
}
