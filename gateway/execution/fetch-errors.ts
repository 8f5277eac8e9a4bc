import { ERRORS, assert, errorCodeDef } from "@apollo/federation-internals";
import type { FetchNode, ResponsePath } from "@apollo/query-planner";
import { GraphQLError, type GraphQLFormattedError } from "graphql";

/*
 * A subgraph's errors as the client sees them, for the gateway's executor
 * (executor.ts): where each lands in the client's result, and what it says.
 * As @apollo/gateway's executor words and places them.
 */

type Data = Record<string, unknown>;

/**
 * Where a subgraph's error lands in the client's result: an entity error's
 * `_entities` index maps to the path of that entity (worked out only when a
 * fetch has errors); any other path is prefixed with the fetch's.
 */
export function errorPaths(fetch: Pick<FetchNode, "requires">, cursor: { path: ResponsePath; fullResult: unknown }): (path: GraphQLFormattedError["path"]) => ResponsePath | undefined {
  let hydrated: ResponsePath[] | undefined;
  return (path) => {
    if (fetch.requires && typeof path?.[1] === "number") {
      if (!hydrated) {
        hydrated = [];
        hydrate([], cursor.path, cursor.fullResult, hydrated);
      }
      return [...(hydrated[path[1]] ?? []), ...path.slice(2)];
    }
    return path ? [...cursor.path, ...path] : undefined;
  };
}

function hydrate(parent: (string | number)[], path: ResponsePath, data: unknown, result: ResponsePath[]): void {
  if (data === null || data === undefined) return;
  const head = path[0];
  if (head === undefined || head === null) {
    result.push(parent.slice());
  } else if (head === "@") {
    assert(Array.isArray(data), "expected array when encountering `@`");
    data.forEach((value, i) => {
      parent.push(i);
      hydrate(parent, path.slice(1), value, result);
      parent.pop();
    });
  } else if (typeof head === "string") {
    if (Array.isArray(data)) {
      data.forEach((value, i) => {
        parent.push(i);
        hydrate(parent, path, value, result);
        parent.pop();
      });
    } else if (Object.prototype.hasOwnProperty.call(data, head)) {
      parent.push(head);
      hydrate(parent, path.slice(1), (data as Data)[head], result);
      parent.pop();
    }
  } else {
    assert(false, `unknown path part "${String(head)}"`);
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
