import { type GraphQLFieldResolver, type GraphQLSchema, GraphQLScalarType, isObjectType } from "graphql";
import { type BuildSchemaOptions, getMetadataStorage } from "type-graphql";

/**
 * type-graphql's resolvers, called the way type-graphql calls them, without
 * the machinery a unit does not use. For every field it builds a wrapper
 * that allocates a record of the call, runs the middleware chain (empty
 * here: the kit checks access itself, authorization.ts), and, for a method
 * taking an `@Arg`, validates each argument in an `async` function even with
 * validation off, so the method runs three microtasks later behind a
 * `Promise.all`. On the bench's crowd case (c), 50 customers per fetch with
 * a handful of field resolvers each, that was 3% of the units' samples in
 * type-graphql itself, and a promise per argument per entity besides.
 *
 * Here each resolver is called as type-graphql's would call it, with the
 * same arguments: the resolver class's one instance (type-graphql's default
 * container also makes one per class), `@Root()` converted to its class as
 * type-graphql converts it, `@Arg()`s of scalar or enum types as given (lists
 * copied), `@Ctx()` and `@Info()`; a plain `@Field` reads its property.
 * Anything else keeps type-graphql's resolver: a schema built with global
 * middlewares, an auth checker, validation or a container; a resolver class
 * with middlewares, `@Args()`, an input-type argument or a custom parameter
 * decorator in any of its methods; a field resolver written on the object
 * type itself. lean-resolvers.test.ts answers the same operations both ways.
 *
 * The one difference: a method with arguments now runs at once rather than
 * after those microtasks, so the loaders it calls are asked earlier within
 * the same batch (never in another one).
 */

type Resolver = GraphQLFieldResolver<unknown, unknown>;
type Metadata = ReturnType<typeof getMetadataStorage>;
type Handler = Metadata["queries"][number] | Metadata["fieldResolvers"][number];
type Param = NonNullable<Handler["params"]>[number];
type Getter = (root: unknown, args: Record<string, unknown>, context: unknown, info: unknown) => unknown;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Class = Function;

/** The options under which type-graphql's wrappers add nothing to the call. */
export function leanCallable(options: BuildSchemaOptions): boolean {
  const o = options as BuildSchemaOptions & Record<string, unknown>;
  return !o.globalMiddlewares?.length && !o.authChecker && !o.container && !o.validate && !o.validateFn;
}

/**
 * Replaces, in `resolvers` (built by createResolversMap from `schema`), the
 * resolvers of the object types' fields that type-graphql made for `classes`.
 */
export function useLeanResolvers(schema: GraphQLSchema, resolvers: Record<string, unknown>, classes: readonly Class[]): void {
  const storage = getMetadataStorage();
  const ours = new Set(classes);
  const instances = new Map<Class, Record<string, (...args: unknown[]) => unknown>>();
  const handlerOf = (handler: Handler): Resolver | undefined => {
    if (!ours.has(handler.target) || !classIsLean(storage, handler.target)) return undefined;
    let instance = instances.get(handler.target);
    if (!instance) instances.set(handler.target, (instance = new (handler.target as new () => Record<string, (...args: unknown[]) => unknown>)()));
    return callHandler(instance, handler.methodName, paramGetters(storage, handler.params ?? [])!);
  };

  for (const [typeName, kind] of [
    ["Query", storage.queries],
    ["Mutation", storage.mutations],
  ] as const) {
    const fields = resolvers[typeName] as Record<string, unknown> | undefined;
    if (!fields || schema.getType(typeName) === undefined) continue;
    for (const handler of kind) {
      if (typeof fields[handler.schemaName] !== "function") continue;
      const lean = handlerOf(handler);
      if (lean) fields[handler.schemaName] = lean;
    }
  }

  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name === "Query" || type.name === "Mutation" || type.name === "Subscription") continue;
    const fields = resolvers[type.name] as Record<string, unknown> | undefined;
    const objectType = storage.objectTypes.find((o) => o.name === type.name);
    if (!fields || !objectType?.fields) continue;
    for (const name of Object.keys(type.getFields())) {
      if (typeof fields[name] !== "function") continue;
      const field = objectType.fields.find((f) => f.schemaName === name);
      if (!field) continue;
      // As type-graphql's schema generator pairs a field with its resolver method.
      const fieldResolver = storage.fieldResolvers.find((r) => (r.kind === "internal" || ours.has(r.target)) && r.getObjectType?.() === field.target && r.methodName === field.name);
      if (fieldResolver) {
        const lean = fieldResolver.kind === "external" ? handlerOf(fieldResolver) : undefined;
        if (lean) fields[name] = lean;
      } else if (!field.middlewares?.length) {
        const property = field.name;
        fields[name] = (root: Record<string, unknown>) => root[property];
      }
    }
  }
}

function callHandler(instance: Record<string, (...args: unknown[]) => unknown>, method: string, getters: Getter[]): Resolver {
  const fn = instance[method];
  switch (getters.length) {
    case 0:
      return () => fn.call(instance);
    case 1: {
      const [a] = getters;
      return (root, args, context, info) => fn.call(instance, a(root, args, context, info));
    }
    case 2: {
      const [a, b] = getters;
      return (root, args, context, info) => fn.call(instance, a(root, args, context, info), b(root, args, context, info));
    }
    default:
      return (root, args, context, info) =>
        fn.apply(
          instance,
          getters.map((g) => g(root, args, context, info)),
        );
  }
}

/** Every method of the class can be called lean. */
function classIsLean(storage: Metadata, target: Class): boolean {
  const handlers = [...storage.queries, ...storage.mutations, ...storage.subscriptions, ...storage.fieldResolvers].filter((h) => h.target === target);
  return handlers.every((h) => !h.middlewares?.length && paramGetters(storage, h.params ?? []) !== undefined);
}

/** The value of each parameter as type-graphql's getParams gives it (validation off), or undefined when one is not ours to give. */
function paramGetters(storage: Metadata, params: readonly Param[]): Getter[] | undefined {
  const getters: Getter[] = [];
  for (const param of [...params].sort((a, b) => a.index - b.index)) {
    if (param.index !== getters.length) return undefined;
    switch (param.kind) {
      case "context": {
        const property = param.propertyName;
        getters.push(property ? (_r, _a, context) => (context as Record<string, unknown>)[property] : (_r, _a, context) => context);
        break;
      }
      case "info":
        getters.push((_r, _a, _c, info) => info);
        break;
      case "root": {
        const property = param.propertyName;
        const target = param.getType?.() as Class | undefined;
        const read: Getter = property ? (root) => (root as Record<string, unknown>)[property] : (root) => root;
        getters.push(target === undefined ? read : (root, args, context, info) => asInstanceOf(target, read(root, args, context, info)));
        break;
      }
      case "arg": {
        const target = param.getType();
        const plain = target instanceof GraphQLScalarType || target === String || target === Number || target === Boolean || (typeof target === "object" && target !== null && !storage.inputTypes.some((t) => t.target === target));
        if (!plain || param.validateFn) return undefined;
        const name = param.name;
        getters.push((_r, args) => copyLists(args[name]));
        break;
      }
      default:
        return undefined;
    }
  }
  return getters;
}

/** What type-graphql's conversion gives for a scalar or enum argument: the value, lists copied. */
function copyLists(value: unknown): unknown {
  return Array.isArray(value) ? value.map(copyLists) : value;
}

/** Values type-graphql hands over as they are. */
const AS_THEY_ARE = new Set<unknown>([String, Boolean, Number, Date, Array, Promise]);

/** type-graphql's conversion of a root to its class: an instance of it with the root's properties. */
export function asInstanceOf(target: Class, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (target instanceof GraphQLScalarType) return value;
  if (AS_THEY_ARE.has((value as object).constructor)) return value;
  if (value instanceof (target as new () => unknown)) return value;
  if (Array.isArray(value)) return value.map((item) => asInstanceOf(target, item));
  const instance = new (target as new () => Record<string, unknown>)();
  for (const key of Object.keys(instance)) if (instance[key] === undefined && !(key in (value as object))) delete instance[key];
  return Object.assign(instance, value);
}
