import {
  type CompositeType,
  type Directive,
  ERRORS,
  type EnumType,
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
  isEnumType,
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
const enumType = isEnumType;
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
 * Each selection set is read once per operation into steps that carry
 * their own selection's steps, how a leaf's values are checked and, for a
 * fragment, whether it applies to each `__typename` met: no lookup per
 * object or value of the answer (shaping the list case's answer went from
 * about 1.5 ms to 0.75 ms in process, replaying recorded unit answers).
 *
 * The gateway's executor shapes every answer with it (respond.ts).
 */
export function computeResponse({ operation, variables, input, introspectionHandling }: ShapingInput): { data: unknown; errors: GraphQLError[] } {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const state: State = {
    schema,
    types: compositeTypesOf(schema),
    variables: { __proto__: null, ...defaultedVariables(operation), ...variables },
    errors: [],
    introspectionHandling,
    invalid: false,
    errored: false,
  };
  const data = new Output();
  const steps = stepsOf(operation.selectionSet);
  const ok = applySelectionSet(input, steps, data, steps.once, state, [], schema.schemaDefinition.rootType(operation.rootKind)!);
  return { data: ok ? data : null, errors: state.errors };
}

/** The operation's variables that have a default, with it: read once per operation (the executor keeps one per parsed document). */
export function defaultedVariables(operation: Operation): Readonly<Record<string, unknown>> {
  let known = defaults.get(operation);
  if (!known) defaults.set(operation, (known = Object.freeze(operation.collectDefaultedVariableValues())));
  return known;
}
const defaults = new WeakMap<Operation, Readonly<Record<string, unknown>>>();

export interface ShapingInput {
  operation: Operation;
  variables?: Record<string, unknown>;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: (selection: Selection) => unknown;
}

interface State {
  schema: Schema;
  /** The schema's composite types by name (null: no such composite type), read once per name. */
  types: Map<string, CompositeType | null>;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  introspectionHandling: (selection: Selection) => unknown;
  /** Set by `shape` for its caller: a non-null value came out null (Apollo's `isInvalid`). */
  invalid: boolean;
  /** Set by `shape` for its caller: an error was recorded for the value, or it bubbled up (Apollo's `hasErrors`). */
  errored: boolean;
}

type Path = (string | number)[];

/**
 * Writes the selection set's part of `input` into `output`; false when a
 * null must bubble up past it. `fresh`: `output` is new and no response
 * name is selected twice into it, so nothing is there to merge with.
 */
function applySelectionSet(input: Record<string, unknown>, steps: Steps, output: Record<string, unknown>, fresh: boolean, state: State, path: Path, parentType: CompositeType): boolean {
  const list = steps.list;
  for (let s = 0; s < list.length; s += 1) {
    const step = list[s];
    if (step.directives !== null && skipped(step.directives, state.variables)) continue;
    if (step.kind === FIELD) {
      const responseName = step.responseName;
      const outputValue = fresh ? undefined : output[responseName];
      if (step.introspection) {
        if (outputValue === undefined) output[responseName] = state.introspectionHandling(step.selection);
        continue;
      }
      // A response name that no object inherits (most) is read in one lookup; `constructor`, say, must be the input's own.
      let inputValue = (step.inherited ? (hasOwn.call(input, responseName) ? input[responseName] : undefined) : input[responseName]) ?? null;
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
      output[responseName] = shape(outputValue, step.type, inputValue, step, path, state, parentType);
      path.pop();
      if (state.invalid) return false;
    } else {
      const typename = input[TYPENAME];
      if (typename && typeof typename !== "string") check(false, `Got unexpected value for __typename: ${String(typename)}`);
      if (fragmentApplies(state.schema, step, typename as string | undefined, parentType)) {
        if (!applySelectionSet(input, step.steps, output, fresh, state, path, step.typeCondition ?? parentType)) return false;
      }
    }
  }
  return true;
}

const FIELD = 0;
const FRAGMENT = 1;

/**
 * A selection as the shaper walks it, read once from the operation (its
 * getters and lookups cost on every visit), with the steps of its own
 * selection set and, for a leaf, how its values are checked: the shaper
 * goes from step to step without a lookup per object of the answer.
 */
type Step = FieldStep | FragmentStep;

interface Steps {
  list: readonly Step[];
  /** No response name is selected twice in it, fragments included. */
  once: boolean;
}

interface FieldStep {
  kind: typeof FIELD;
  selection: Selection;
  responseName: string;
  /** Objects or lists inherit a property of that name (`constructor`, `map`): it is read only when the input's own. */
  inherited: boolean;
  typename: boolean;
  introspection: boolean;
  type: Type;
  directives: readonly Directive<any>[] | null;
  /** The field's own selection set (undefined for a leaf) and its steps. */
  selectionSet: SelectionSet | undefined;
  steps: Steps;
  leaf: Leaf;
}

interface FragmentStep {
  kind: typeof FRAGMENT;
  typeCondition: CompositeType | undefined;
  steps: Steps;
  directives: readonly Directive<any>[] | null;
  /** Whether the type condition applies, by the object's `__typename` (only the parent type decides when it has none). */
  applies: Map<string, boolean>;
}

/** Per selection set of an operation: the executor keeps one operation per parsed document, so these last as long as it does. */
const steps = new WeakMap<SelectionSet, Steps>();
function stepsOf(selectionSet: SelectionSet): Steps {
  let known = steps.get(selectionSet);
  if (known) return known;
  const list = selectionSet.selections().map((selection): Step => {
    const directives = selection.element.appliedDirectives.length > 0 ? selection.element.appliedDirectives : null;
    if (selection.kind === "FieldSelection") {
      const field = selection.element as Field;
      const type = field.definition.type!;
      const responseName = field.responseName();
      return {
        kind: FIELD,
        selection,
        responseName,
        inherited: responseName in Object.prototype || responseName in Array.prototype,
        typename: field.name === TYPENAME,
        introspection: field.definition.isSchemaIntrospectionField(),
        type,
        directives,
        selectionSet: selection.selectionSet,
        steps: selection.selectionSet ? stepsOf(selection.selectionSet) : NO_STEPS,
        leaf: leafOf(selection.selectionSet ? undefined : type),
      };
    }
    return { kind: FRAGMENT, typeCondition: (selection.element as FragmentElement).typeCondition, steps: stepsOf(selection.selectionSet), directives, applies: new Map() };
  });
  const names = new Set<string>();
  known = { list, once: eachOnce(list, names) };
  steps.set(selectionSet, known);
  return known;
}

/** Whether no response name of `list` (and of its fragments, which write into the same object) is in `names` or twice in it. */
function eachOnce(list: readonly Step[], names: Set<string>): boolean {
  for (const step of list) {
    if (step.kind === FRAGMENT) {
      if (!eachOnce(step.steps.list, names)) return false;
    } else {
      if (names.has(step.responseName)) return false;
      names.add(step.responseName);
    }
  }
  return true;
}
const NO_STEPS: Steps = { list: [], once: true };

/** Each schema's composite types by name, as `__typename`s of answers name them. */
const compositeTypes = new WeakMap<Schema, Map<string, CompositeType | null>>();
function compositeTypesOf(schema: Schema): Map<string, CompositeType | null> {
  let known = compositeTypes.get(schema);
  if (!known) compositeTypes.set(schema, (known = new Map()));
  return known;
}

function compositeNamed(state: State, name: string): CompositeType | null {
  let type = state.types.get(name);
  if (type === undefined) {
    const named = state.schema.type(name);
    type = named && composite(named) ? named : null;
    state.types.set(name, type);
  }
  return type;
}

/**
 * The output value of one field (or list element): `outputValue` is what an
 * earlier selection of the same response name wrote, if any. Leaves
 * `state.invalid` and `state.errored` set for the caller to read at once.
 * (Checks fail through `check(false, …)` inside a condition, so that no
 * message closure is made for the values that pass, which is all of them.)
 */
function shape(outputValue: unknown, type: Type, inputValue: unknown, step: FieldStep, path: Path, state: State, parentType: CompositeType): unknown {
  if (inputValue === undefined) check(false, "Should not pass undefined for `inputValue` to this method");
  state.invalid = false;
  state.errored = false;
  if (outputValue === null || (outputValue !== undefined && !step.selectionSet)) return outputValue;

  if (nonNull(type)) {
    const updated = shape(outputValue, type.ofType, inputValue, step, path, state, parentType);
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
    if (!Array.isArray(inputValue)) check(false, `Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${String(type)}`);
    if (outputValue !== undefined && !Array.isArray(outputValue)) check(false, `Invalid non-list value ${String(outputValue)} returned by subgraph for list type ${String(type)}`);
    const values = inputValue as unknown[];
    const earlier = outputValue as unknown[] | undefined;
    if (earlier !== undefined && values.length !== earlier.length) check(false, `[${String(values)}].length (${values.length}) !== [${String(earlier)}].length (${earlier.length})`);
    // An earlier selection's list is only ever referenced by its parent, which this call's result replaces: update it in place.
    const updated: unknown[] = earlier ?? [];
    const elementType = type.ofType;
    let nullify = false;
    let errored = false;
    for (let i = 0; i < values.length; i += 1) {
      path.push(i);
      const element = shape(earlier === undefined ? undefined : earlier[i], elementType, values[i], step, path, state, parentType);
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
    if (!step.selectionSet) check(false, `Invalid empty selection set for composite type ${String(type)}`);
    if (typeof inputValue !== "object") check(false, `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${String(type)}`);
    if (outputValue !== undefined && typeof outputValue !== "object") check(false, `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${String(type)}`);
    const object = inputValue as Record<string, unknown>;
    const inputTypename = object[TYPENAME];
    if (inputTypename !== undefined && typeof inputTypename !== "string") check(false, `Invalid non-string value ${String(inputTypename)} for __typename at ${String(path)}`);
    let objectType: CompositeType = type;
    if (inputTypename) {
      const named = compositeNamed(state, inputTypename as string);
      if (!named) {
        state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${lastElementDescription(path, type, parentType)}.`, { path: Array.from(path) }));
        state.errored = true;
        return null;
      }
      objectType = named;
    }
    const output = (outputValue as Record<string, unknown> | undefined) ?? new Output();
    const ok = applySelectionSet(object, step.steps, output, outputValue === undefined && step.steps.once, state, path, objectType);
    state.invalid = false;
    state.errored = !ok;
    return ok ? output : null;
  }

  if (outputValue !== undefined) check(false, `Excepted output to be undefined but got ${String(type)} for type ${String(type)}`);
  const valid = validLeaf(step.leaf, type, inputValue);
  if (!valid) state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${lastElementDescription(path, type, parentType)}.`, { path: Array.from(path) }));
  state.errored = !valid;
  return valid ? inputValue : null;
}

/**
 * How a leaf's values are checked, decided once per field from its named
 * type: Apollo's `isValidLeafValue` asks the schema for the built-in types
 * on every value to find out.
 */
type Leaf = (typeof LEAF)[keyof typeof LEAF];
const LEAF = { custom: 0, boolean: 1, int: 2, id: 3, float: 4, string: 5, enum: 6, none: 7 } as const;
const BUILT_IN: Record<string, Leaf> = { Boolean: LEAF.boolean, Int: LEAF.int, ID: LEAF.id, Float: LEAF.float, String: LEAF.string };
const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

function leafOf(type: Type | undefined): Leaf {
  let named = type;
  while (named && (nonNull(named) || list(named))) named = named.ofType;
  if (!named || composite(named)) return LEAF.none;
  if (enumType(named)) return LEAF.enum;
  return hasOwn.call(BUILT_IN, named.name) ? BUILT_IN[named.name] : LEAF.custom;
}

/** Apollo's `isValidLeafValue`, case for case, with the type's kind read in advance. */
function validLeaf(leaf: Leaf, type: Type, value: unknown): boolean {
  if (leaf === LEAF.none) return isValidLeafValue((type as NamedType).schema(), value, type as Parameters<typeof isValidLeafValue>[2]);
  if (leaf === LEAF.custom) return true;
  if (typeof value === "boolean") return leaf === LEAF.boolean;
  if (typeof value === "number" && isFinite(value)) return leaf === LEAF.int || leaf === LEAF.id ? INTEGER.test(String(value)) : leaf === LEAF.float;
  if (typeof value === "string") return leaf === LEAF.enum ? (type as EnumType).value(value) !== undefined : leaf !== LEAF.boolean && leaf !== LEAF.int && leaf !== LEAF.float;
  return false;
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

function fragmentApplies(schema: Schema, step: FragmentStep, typename: string | undefined, parentType: CompositeType): boolean {
  const typeCondition = step.typeCondition;
  if (!typeCondition) return true;
  if (!typename) return subtype(typeCondition, parentType);
  let applies = step.applies.get(typename);
  if (applies === undefined) {
    const type = schema.type(typename);
    applies = !!type && subtype(typeCondition, type as NamedType);
    step.applies.set(typename, applies);
  }
  return applies;
}

function lastElementDescription(path: Path, currentType: Type, parentType: CompositeType): string {
  const element = path[path.length - 1];
  check(element !== undefined, "Should not have been called on an empty path");
  return typeof element === "string" ? `field ${String(parentType)}.${element}` : `array element of type ${String(currentType)} at index ${element}`;
}
