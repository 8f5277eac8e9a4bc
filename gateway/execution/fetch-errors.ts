import { ERRORS, errorCodeDef } from "@apollo/federation-internals";
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import type { PathStep } from "../planning/plan";
import { isOfAnyType } from "./rewrites";

/*
 * A subgraph's errors as the client sees them: where each lands in the
 * client's result, and what it says (its own code if it has one, the
 * subgraph's name in its extensions), as federation gateways word them.
 */

type Data = Record<string, unknown>;
export type ResponsePath = (string | number)[];

/**
 * Where a subgraph's error lands in the client's result. An entity error's
 * index (`_entities`, or a batch's alias) maps to the path of that entity,
 * worked out only when a fetch has errors; any other path is prefixed with
 * the fetch's.
 */
export function errorPaths(schema: GraphQLSchema, entityPaths: ReadonlyMap<string, { base: readonly PathStep[]; root: unknown }>, prefix: readonly PathStep[]): (path: GraphQLFormattedError["path"]) => ResponsePath | undefined {
  const hydrated = new Map<string, ResponsePath[]>();
  return (path) => {
    if (!path) return undefined;
    const entities = typeof path[0] === "string" ? entityPaths.get(path[0]) : undefined;
    if (entities && typeof path[1] === "number") {
      let paths = hydrated.get(path[0] as string);
      if (!paths) {
        paths = [];
        hydrate(schema, [], entities.base, 0, entities.root, paths);
        hydrated.set(path[0] as string, paths);
      }
      return [...(paths[path[1]] ?? []), ...path.slice(2)];
    }
    return [...prefix.filter((step): step is string => typeof step === "string"), ...path];
  };
}

function hydrate(schema: GraphQLSchema, parent: ResponsePath, path: readonly PathStep[], at: number, data: unknown, result: ResponsePath[]): void {
  if (data === null || data === undefined) return;
  if (Array.isArray(data) && (at === path.length || path[at] !== "@")) {
    data.forEach((value, i) => {
      parent.push(i);
      hydrate(schema, parent, path, at, value, result);
      parent.pop();
    });
    return;
  }
  if (at === path.length) {
    result.push(parent.slice());
    return;
  }
  const step = path[at];
  if (step === "@") {
    (data as unknown[]).forEach((value, i) => {
      parent.push(i);
      hydrate(schema, parent, path, at + 1, value, result);
      parent.pop();
    });
  } else if (typeof step === "string") {
    if (Object.prototype.hasOwnProperty.call(data, step)) {
      parent.push(step);
      hydrate(schema, parent, path, at + 1, (data as Data)[step], result);
      parent.pop();
    }
  } else if (isOfAnyType(schema, data as Data, step.typeIn)) {
    hydrate(schema, parent, path, at + 1, data, result);
  }
}

/** A subgraph's error as the client sees it: its own code if it has one, the subgraph's name in its extensions. */
export function downstreamError(original: GraphQLFormattedError, serviceName: string, pathOf: (path: GraphQLFormattedError["path"]) => ResponsePath | undefined): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = { originalError: original as unknown as Error, path: pathOf(original.path), extensions: { ...original.extensions, serviceName } };
  const code = errorCodeDef(original as unknown as GraphQLError);
  if (!code && original.extensions?.code) return new GraphQLError(message, options);
  return (code ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}
