import { type GraphQLNamedType, Kind, type ValueNode, isCompositeType, parse, valueFromASTUntyped } from "graphql";

/**
 * What the units declare an operation costs, read from the supergraph:
 * Federation 2.9's `@cost(weight)` on types and fields and
 * `@listSize(assumedSize, slicingArguments, sizedFields)` on list fields
 * (the IBM cost specification, as Apollo Router reads it; the units write
 * them with kit/demand.ts). Read once per supergraph; the estimate before
 * running (demand-control.ts) and the actual cost after
 * (execution/actual-cost.ts) weigh by the same rule, `weightOf`.
 */
export interface CostHints {
  weights: Map<string, number>;
  lists: Map<string, { assumedSize?: number; slicingArguments: string[]; sizedFields: string[] }>;
}

const MUTATION_WEIGHT = 10;

export function costHintsOf(supergraphSdl: string): CostHints {
  const hints: CostHints = { weights: new Map(), lists: new Map() };
  for (const d of parse(supergraphSdl, { noLocation: true }).definitions) {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const typeCost = d.directives?.find((x) => x.name.value === "cost");
    if (typeCost) hints.weights.set(d.name.value, Number(argOf(typeCost.arguments, "weight") ?? 1));
    for (const field of d.fields ?? []) {
      const coordinate = `${d.name.value}.${field.name.value}`;
      for (const directive of field.directives ?? []) {
        if (directive.name.value === "cost") hints.weights.set(coordinate, Number(argOf(directive.arguments, "weight") ?? 0));
        if (directive.name.value === "listSize") {
          const assumed = argOf(directive.arguments, "assumedSize");
          hints.lists.set(coordinate, {
            assumedSize: typeof assumed === "number" ? assumed : undefined,
            slicingArguments: (argOf(directive.arguments, "slicingArguments") as string[] | undefined) ?? [],
            sizedFields: (argOf(directive.arguments, "sizedFields") as string[] | undefined) ?? [],
          });
        }
      }
    }
  }
  return hints;
}

function argOf(args: readonly { name: { value: string }; value: ValueNode }[] | undefined, name: string): unknown {
  const value = args?.find((a) => a.name.value === name)?.value;
  return value ? valueFromASTUntyped(value) : undefined;
}

/**
 * What one answered value of a field weighs: the unit's `@cost` on the
 * field, else on its type, else 10 for a mutation's root field, 1 for an
 * object, 0 for a scalar. The estimate and the actual cost
 * (execution/actual-cost.ts) both weigh by this.
 */
export function weightOf(hints: CostHints, coordinate: string, named: GraphQLNamedType, mutationRoot: boolean): number {
  return hints.weights.get(coordinate) ?? hints.weights.get(named.name) ?? (mutationRoot ? MUTATION_WEIGHT : isCompositeType(named) ? 1 : 0);
}
