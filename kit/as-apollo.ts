import { type GraphQLFormattedError, GraphQLError } from "graphql";

/**
 * What Apollo Server does, for the two paths that answer as it would without
 * running its pipeline: the gateway's fast path (gateway/http/fast-path.ts)
 * and a unit's lean path (kit/subgraph/lean-path.ts). Both take only the
 * request body Apollo takes as one plain operation (`plainOperation`), and
 * both normalize errors as Apollo does (`formatAsApollo`): every error becomes a GraphQLError with an
 * `extensions.code` (INTERNAL_SERVER_ERROR when it has none); an
 * `extensions.http` of the form Apollo accepts goes into the answer's status
 * and headers and out of the error; then the server's formatter. A
 * formatter that throws gives Apollo's masked internal error.
 */

/** Where `extensions.http` lands: the answer's status and headers. */
export interface ErrorHead {
  status?: number;
  headers: { set(name: string, value: string): unknown };
}

export type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

export function formatAsApollo(errors: readonly unknown[], formatError: FormatError, head: ErrorHead): GraphQLFormattedError[] {
  return errors.map((error) => {
    try {
      const graphqlError = toGraphQLError(error);
      const extensions: Record<string, unknown> = { ...graphqlError.extensions, code: graphqlError.extensions.code ?? "INTERNAL_SERVER_ERROR" };
      const http = extensions.http as { status?: unknown; headers?: unknown } | null | undefined;
      if (http && typeof http === "object" && (!("status" in http) || typeof http.status === "number") && (!("headers" in http) || http.headers instanceof Map)) {
        if (http.status) head.status = http.status as number;
        if (http.headers) for (const [name, value] of http.headers as Map<string, string>) head.headers.set(name.toLowerCase(), value);
        delete extensions.http;
      }
      return formatError({ ...graphqlError.toJSON(), extensions }, error);
    } catch {
      return { message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
    }
  });
}

/** Anything thrown, as the GraphQLError Apollo would make of it. */
export function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const plain = error instanceof Error ? error : new GraphQLError(`Unexpected error value: ${String(error)}`);
  return plain instanceof GraphQLError ? plain : new GraphQLError(plain.message, { originalError: plain });
}

/** A JSON object (not null, not an array): what a request body, `variables` and `extensions` must be. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A body's operation, when the body is one Apollo runs as it stands (no batch, no persisted query). */
export interface PlainOperation {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  extensions: Record<string, unknown> | undefined;
}

/** The operation of a parsed JSON body with a non-empty query and well-typed fields, else undefined (the caller leaves the request to Apollo). */
export function plainOperation(body: unknown): PlainOperation | undefined {
  if (!isRecord(body)) return undefined;
  const { query, variables, operationName, extensions } = body;
  if (typeof query !== "string" || query === "") return undefined;
  if (variables != null && !isRecord(variables)) return undefined;
  if (operationName != null && typeof operationName !== "string") return undefined;
  if (extensions != null && (!isRecord(extensions) || "persistedQuery" in extensions)) return undefined;
  return { query, operationName: operationName ?? undefined, variables: variables ?? undefined, extensions: extensions ?? undefined };
}
