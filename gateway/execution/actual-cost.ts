import { type DocumentNode, type FragmentDefinitionNode, type GraphQLNamedType, type GraphQLSchema, Kind, type OperationDefinitionNode, type SelectionSetNode, getNamedType, isInterfaceType, isObjectType } from "graphql";
import { type CostHints, weightOf } from "../admission/cost-hints";

/**
 * The actual cost of an answer: what the IBM cost specification calls Query
 * Response Analysis, as Apollo Router measures it. The same weights as the
 * estimate (admission/cost-hints.ts), counted over the data actually
 * returned: a list counts each element it holds instead of its `first` or
 * assumed size, and a `null` (an error, a missing entity, a unit that
 * failed, or simply no value) counts nothing, nor anything below it ("errors
 * do not produce data"). So an answer whose every list is as long as
 * estimated and that has no null costs exactly its estimate, and one with
 * fewer elements costs less.
 *
 * The operation is first compiled into a shape, once per parsed document
 * (Apollo Server keeps the document of a query it has seen, so a repeated
 * operation reuses its shape): for each response key, what one value
 * weighs and the keys below it; fields that weigh nothing and have nothing
 * weighing below them (scalars, mostly) are left out. Measuring an answer is
 * then a walk of the data along the shape, with no schema lookups, which is
 * what makes it cheap enough to do for every answer for the metrics.
 */
export interface CostShape {
  /** What one value weighs (each element, for a list). */
  weight: number;
  /** Response keys below it that weigh something, with their shapes. */
  keys: readonly (readonly [string, CostShape])[];
}

const shapes = new WeakMap<CostHints, WeakMap<OperationDefinitionNode, CostShape>>();

/** The actual cost of `data`, the answer to `operation`. */
export function actualCost(schema: GraphQLSchema, hints: CostHints, document: DocumentNode, operation: OperationDefinitionNode, data: unknown): number {
  let byOperation = shapes.get(hints);
  if (!byOperation) shapes.set(hints, (byOperation = new WeakMap()));
  let shape = byOperation.get(operation);
  if (!shape) byOperation.set(operation, (shape = costShape(schema, hints, document, operation)));
  return costOf(shape, data);
}

/** What each response key of `operation` weighs. Fields are merged by response key, as execution merges them. */
export function costShape(schema: GraphQLSchema, hints: CostHints, document: DocumentNode, operation: OperationDefinitionNode): CostShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const root = schema.getRootType(operation.operation);
  if (!root) return { weight: 0, keys: [] };
  const mutation = operation.operation === "mutation";

  const keysOf = (sets: readonly { set: SelectionSetNode; type: GraphQLNamedType }[]): [string, CostShape][] => {
    const byKey = new Map<string, { weight: number; below: { set: SelectionSetNode; type: GraphQLNamedType }[] }>();
    // A fragment spread twice into one selection is collected once (a bomb stays small).
    const spread = new Set<string>();
    const collect = (set: SelectionSetNode, type: GraphQLNamedType): void => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          const name = selection.name.value;
          if (name.startsWith("__") || !(isObjectType(type) || isInterfaceType(type))) continue;
          const definition = type.getFields()[name];
          if (!definition) continue;
          const key = selection.alias?.value ?? name;
          const named = getNamedType(definition.type);
          let entry = byKey.get(key);
          // Under an abstract type, one key from fragments on different types: the first field found weighs it.
          if (!entry) byKey.set(key, (entry = { weight: weightOf(hints, `${type.name}.${name}`, named, mutation && type === root), below: [] }));
          if (selection.selectionSet) entry.below.push({ set: selection.selectionSet, type: named });
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          collect(selection.selectionSet, selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? type) : type);
        } else {
          const fragment = fragments.get(selection.name.value);
          if (!fragment || spread.has(fragment.name.value)) continue;
          spread.add(fragment.name.value);
          collect(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? type);
        }
      }
    };
    for (const { set, type } of sets) collect(set, type);
    const keys: [string, CostShape][] = [];
    for (const [key, { weight, below }] of byKey) {
      const shape: CostShape = { weight, keys: below.length > 0 ? keysOf(below) : [] };
      if (shape.weight !== 0 || shape.keys.length > 0) keys.push([key, shape]);
    }
    return keys;
  };

  return { weight: 0, keys: keysOf([{ set: operation.selectionSet, type: root }]) };
}

/** The cost of one value along its shape: each element of a list, nothing for a null. */
export function costOf(shape: CostShape, value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) total += costOf(shape, item);
    return total;
  }
  let total = shape.weight;
  if (typeof value === "object") for (const [key, below] of shape.keys) total += costOf(below, (value as Record<string, unknown>)[key]);
  return total;
}
