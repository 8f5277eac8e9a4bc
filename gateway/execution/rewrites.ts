import { type GraphQLSchema, isAbstractType, isInterfaceType, isObjectType } from "graphql";
import type { PathStep, Rewrite } from "../planning/plan";

type Data = Record<string, unknown>;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Whether an object of the result is of `typeCondition`: the same type, or
 * one of an interface's or union's possible types. An object without a
 * `__typename` counts as `unknown` says (true where a rewrite must still
 * reach it, false where a condition must hold).
 */
export function isOfType(schema: GraphQLSchema, object: Data, typeCondition: string, unknown = false): boolean {
  const typename = object.__typename;
  if (typeof typename !== "string" || typename === "") return unknown;
  if (typename === typeCondition) return true;
  const type = schema.getType(typename);
  const condition = schema.getType(typeCondition);
  if (!type || !condition || !isAbstractType(condition)) return false;
  return (isObjectType(type) || isInterfaceType(type)) && schema.isSubType(condition, type);
}

export function isOfAnyType(schema: GraphQLSchema, object: Data, types: readonly string[], unknown = false): boolean {
  for (const type of types) if (isOfType(schema, object, type, unknown)) return true;
  return false;
}

/** Applies a fetch's rewrites to one representation or one answer, in place. */
export function applyRewrites(schema: GraphQLSchema, rewrites: readonly Rewrite[] | undefined, value: unknown): void {
  if (!rewrites || value === null || value === undefined) return;
  for (const rewrite of rewrites) {
    if (rewrite.path.length === 0) continue;
    const last = rewrite.path[rewrite.path.length - 1];
    if (typeof last !== "string") throw new Error(`a rewrite path ends in a type condition: ${JSON.stringify(rewrite.path)}`);
    at(schema, rewrite.path, 0, rewrite.path.length - 1, value, (object) => {
      if (rewrite.kind === "ValueSetter") {
        setOwn(object, last, rewrite.setValueTo);
      } else if (hasOwn.call(object, last) && object[last]) {
        setOwn(object, rewrite.renameKeyTo, object[last]);
        object[last] = undefined;
      }
    });
  }
}

function at(schema: GraphQLSchema, path: readonly PathStep[], index: number, end: number, value: unknown, apply: (object: Data) => void): void {
  if (Array.isArray(value)) {
    for (const element of value) at(schema, path, index, end, element, apply);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const object = value as Data;
  if (index === end) {
    apply(object);
    return;
  }
  const step = path[index];
  if (typeof step === "string") {
    at(schema, path, index + 1, end, hasOwn.call(object, step) ? object[step] : undefined, apply);
  } else if (isOfAnyType(schema, object, step.typeIn, true)) {
    at(schema, path, index + 1, end, object, apply);
  }
}

/**
 * Merges a subgraph's answer into the result so far: objects field by
 * field, lists of the same length element by element, anything else
 * replaced. Fields the answer leaves undefined keep what is there.
 */
export function deepMerge(target: Data, source: unknown): void {
  if (source === null || source === undefined) return;
  const from = source as Data;
  for (const key of Object.keys(from)) {
    const value = from[key];
    if (value === undefined) continue;
    const existing = target[key];
    if (existing && typeof value === "object" && value !== null && !Array.isArray(value) && typeof existing === "object") {
      deepMerge(existing as Data, value);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let i = 0; i < value.length; i += 1) {
        const a = existing[i];
        const b = value[i];
        if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) deepMerge(a as Data, b);
        else existing[i] = b;
      }
    } else {
      setOwn(target, key, value);
    }
  }
}

/** `target[key] = value`, also for a response name such as `__proto__` that a plain object would misread. */
export function setOwn(target: Data, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
