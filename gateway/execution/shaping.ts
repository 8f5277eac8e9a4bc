import {
  type CompositeType,
  type Directive,
  ERRORS,
  type Field,
  type FragmentElement,
  type NamedType,
  type Operation,
  type Schema,
  type Selection,
  type SelectionSet,
  type Type,
  Variable,
  assert,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  isValidLeafValue,
  typenameFieldName,
} from "@apollo/federation-internals";
import type { GraphQLError } from "graphql";

// Bound once: each use of an import from the package's index goes through a getter.
const check: typeof assert = assert;
const nonNull = isNonNullType;
const list = isListType;
const composite = isCompositeType;
const objectType = isObjectType;
const validLeaf = isValidLeafValue;
const subtype = isSubtype;
const TYPENAME = typenameFieldName;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The gateway's last step, done with less garbage: the answer to the client's
 * operation cut out of what the subgraphs returned (aliases, `__typename`,
 * `@skip`/`@include`, abstract types, nulls bubbling up to the nearest
 * nullable field, values checked against their leaf types).
 *
 * It is the same algorithm as @apollo/gateway's `computeResponse`
 * (resultShaping.js), with the same results and error messages
 * (gateway/shaping.test.ts runs both on the same inputs), written so that a
 * field costs no allocation of its own: Apollo's returns an object from
 * every field it visits, filters each selection's directives into two new
 * arrays to test `@skip`/`@include`, and builds every list twice. On the
 * bench's list case that was close to half of everything the gateway
 * allocated, and the collections it caused were the largest single cost.
 *
 * The gateway's executor shapes every answer with it (respond.ts).
 */
export function computeResponse({ operation, variables, input, introspectionHandling }: ShapingInput): { data: unknown; errors: GraphQLError[] } {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const state: State = {
    schema,
    variables: { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables },
    errors: [],
    introspectionHandling,
    invalid: false,
    errored: false,
  };
  const data = new Output();
  const ok = applySelectionSet(input, operation.selectionSet, data, state, [], schema.schemaDefinition.rootType(operation.rootKind)!);
  return { data: ok ? data : null, errors: state.errors };
}

export interface ShapingInput {
  operation: Operation;
  variables?: Record<string, unknown>;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: (selection: Selection) => unknown;
}

interface State {
  schema: Schema;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  introspectionHandling: (selection: Selection) => unknown;
  /** Set by `shape` for its caller: a non-null value came out null (Apollo's `isInvalid`). */
  invalid: boolean;
  /** Set by `shape` for its caller: an error was recorded for the value, or it bubbled up (Apollo's `hasErrors`). */
  errored: boolean;
}

type Path = (string | number)[];

/** Writes the selection set's part of `input` into `output`; false when a null must bubble up past it. */
function applySelectionSet(input: Record<string, unknown>, selectionSet: SelectionSet, output: Record<string, unknown>, state: State, path: Path, parentType: CompositeType): boolean {
  for (const step of stepsOf(selectionSet)) {
    if (step.directives !== null && skipped(step.directives, state.variables)) continue;
    if (step.kind === "field") {
      const responseName = step.responseName;
      const outputValue = output[responseName];
      if (step.introspection) {
        if (outputValue === undefined) output[responseName] = state.introspectionHandling(step.selection);
        continue;
      }
      let inputValue = (hasOwn.call(input, responseName) ? input[responseName] : undefined) ?? null;
      if (step.typename) {
        if (outputValue === undefined) {
          if (inputValue === null && responseName !== TYPENAME) inputValue = input[TYPENAME] ?? null;
          const type = inputValue !== null && typeof inputValue === "string" ? (state.schema.type(inputValue) ?? parentType) : parentType;
          if (!objectType(type)) return false;
          output[responseName] = type.name;
        }
        continue;
      }
      path.push(responseName);
      output[responseName] = shape(outputValue, step.type, inputValue, step.selectionSet, path, state, parentType);
      path.pop();
      if (state.invalid) return false;
    } else {
      const typename = input[TYPENAME];
      check(!typename || typeof typename === "string", () => `Got unexpected value for __typename: ${String(typename)}`);
      if (typeConditionApplies(state.schema, step.typeCondition, typename as string | undefined, parentType)) {
        if (!applySelectionSet(input, step.selectionSet, output, state, path, step.typeCondition ?? parentType)) return false;
      }
    }
  }
  return true;
}

/** A selection as the shaper walks it, read once from the operation (its getters and lookups cost on every visit). */
type Step =
  | { kind: "field"; selection: Selection; responseName: string; typename: boolean; introspection: boolean; type: Type; selectionSet: SelectionSet | undefined; directives: readonly Directive<any>[] | null }
  | { kind: "fragment"; typeCondition: CompositeType | undefined; selectionSet: SelectionSet; directives: readonly Directive<any>[] | null };

/** Per selection set of an operation: the executor keeps one operation per parsed document, so these last as long as it does. */
const steps = new WeakMap<SelectionSet, Step[]>();
function stepsOf(selectionSet: SelectionSet): Step[] {
  let known = steps.get(selectionSet);
  if (known) return known;
  known = selectionSet.selections().map((selection): Step => {
    const directives = selection.element.appliedDirectives.length > 0 ? selection.element.appliedDirectives : null;
    if (selection.kind === "FieldSelection") {
      const field = selection.element as Field;
      return {
        kind: "field",
        selection,
        responseName: field.responseName(),
        typename: field.name === TYPENAME,
        introspection: field.definition.isSchemaIntrospectionField(),
        type: field.definition.type!,
        selectionSet: selection.selectionSet,
        directives,
      };
    }
    return { kind: "fragment", typeCondition: (selection.element as FragmentElement).typeCondition, selectionSet: selection.selectionSet, directives };
  });
  steps.set(selectionSet, known);
  return known;
}

/**
 * The output value of one field (or list element): `outputValue` is what an
 * earlier selection of the same response name wrote, if any. Leaves
 * `state.invalid` and `state.errored` set for the caller to read at once.
 */
function shape(outputValue: unknown, type: Type, inputValue: unknown, selectionSet: SelectionSet | undefined, path: Path, state: State, parentType: CompositeType): unknown {
  check(inputValue !== undefined, "Should not pass undefined for `inputValue` to this method");
  state.invalid = false;
  state.errored = false;
  if (outputValue === null || (outputValue !== undefined && !selectionSet)) return outputValue;

  if (nonNull(type)) {
    const updated = shape(outputValue, type.ofType, inputValue, selectionSet, path, state, parentType);
    if (updated === null) {
      if (!state.errored) state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${lastElementDescription(path, type.ofType, parentType)}.`, { path: Array.from(path) }));
      state.invalid = true;
      state.errored = true;
      return null;
    }
    state.invalid = false;
    state.errored = false;
    return updated;
  }
  if (inputValue === null) return null;

  if (list(type)) {
    check(Array.isArray(inputValue), () => `Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${String(type)}`);
    check(outputValue === undefined || Array.isArray(outputValue), () => `Invalid non-list value ${String(outputValue)} returned by subgraph for list type ${String(type)}`);
    const earlier = outputValue as unknown[] | undefined;
    if (earlier !== undefined) check(inputValue.length === earlier.length, () => `[${String(inputValue)}].length (${inputValue.length}) !== [${String(earlier)}].length (${earlier.length})`);
    // An earlier selection's list is only ever referenced by its parent, which this call's result replaces: update it in place.
    const updated: unknown[] = earlier ?? [];
    let nullify = false;
    let errored = false;
    for (let i = 0; i < inputValue.length; i += 1) {
      path.push(i);
      const element = shape(earlier === undefined ? undefined : earlier[i], type.ofType, inputValue[i], selectionSet, path, state, parentType);
      path.pop();
      if (earlier === undefined) updated.push(element);
      else updated[i] = element;
      nullify ||= state.invalid;
      errored ||= state.errored;
    }
    state.invalid = false;
    state.errored = errored;
    return nullify ? null : updated;
  }

  if (composite(type)) {
    check(selectionSet, () => `Invalid empty selection set for composite type ${String(type)}`);
    check(typeof inputValue === "object", () => `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${String(type)}`);
    check(outputValue === undefined || typeof outputValue === "object", () => `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${String(type)}`);
    const object = inputValue as Record<string, unknown>;
    const inputTypename = object[TYPENAME];
    check(inputTypename === undefined || typeof inputTypename === "string", () => `Invalid non-string value ${String(inputTypename)} for __typename at ${String(path)}`);
    let objectType: CompositeType = type;
    if (inputTypename) {
      const named = state.schema.type(inputTypename as string);
      if (!named || !composite(named)) {
        state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${lastElementDescription(path, type, parentType)}.`, { path: Array.from(path) }));
        state.errored = true;
        return null;
      }
      objectType = named;
    }
    const output = (outputValue as Record<string, unknown> | undefined) ?? new Output();
    const ok = applySelectionSet(object, selectionSet, output, state, path, objectType);
    state.invalid = false;
    state.errored = !ok;
    return ok ? output : null;
  }

  check(outputValue === undefined, () => `Excepted output to be undefined but got ${String(type)} for type ${String(type)}`);
  const valid = validLeaf(state.schema, inputValue, type as Parameters<typeof isValidLeafValue>[2]);
  if (!valid) state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${lastElementDescription(path, type, parentType)}.`, { path: Array.from(path) }));
  state.errored = !valid;
  return valid ? inputValue : null;
}

/**
 * The objects of an answer: like Apollo's `Object.create(null)`, nothing is
 * inherited (a response name such as `constructor` or `__proto__` is just a
 * property), but made by a constructor, so V8 keeps their properties in place
 * instead of in a hash table several times the size. They are the gateway's
 * largest allocation; the executor (executor.ts) builds its merged result
 * and representations from them too.
 */
export const Output = function Output() {} as unknown as new () => Record<string, unknown>;
Output.prototype = Object.create(null);

/** `@skip(if: true)` or `@include(if: false)`, the first of each, as Apollo reads them. */
function skipped(directives: readonly Directive<any>[], variables: Record<string, unknown>): boolean {
  if (directives.length === 0) return false;
  const skip = directives.find((d) => d.name === "skip");
  const include = directives.find((d) => d.name === "include");
  return Boolean((skip && ifValue(skip, variables)) || (include && !ifValue(include, variables)));
}

function ifValue(directive: Directive<any>, variables: Record<string, unknown>): boolean {
  const condition = (directive.arguments() as { if: unknown }).if;
  if (condition instanceof Variable) {
    const value = variables[condition.name];
    check(value !== undefined && typeof value === "boolean", () => `Unexpected value ${String(value)} for variable ${String(condition)} of ${String(directive)}`);
    return value;
  }
  return condition as boolean;
}

function typeConditionApplies(schema: Schema, typeCondition: CompositeType | undefined, typename: string | undefined, parentType: CompositeType): boolean {
  if (!typeCondition) return true;
  if (typename) {
    const type = schema.type(typename);
    return !!type && subtype(typeCondition, type as NamedType);
  }
  return subtype(typeCondition, parentType);
}

function lastElementDescription(path: Path, currentType: Type, parentType: CompositeType): string {
  const element = path[path.length - 1];
  check(element !== undefined, "Should not have been called on an empty path");
  return typeof element === "string" ? `field ${String(parentType)}.${element}` : `array element of type ${String(currentType)} at index ${element}`;
}
