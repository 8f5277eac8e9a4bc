import { type GraphQLFormattedError, GraphQLError } from "graphql";

/**
 * Apollo Server's error normalization, for the two paths that answer as
 * Apollo Server would without running its pipeline: the gateway's fast path
 * (gateway/http/fast-path.ts) and a unit's lean path
 * (kit/subgraph/lean-path.ts). Every error becomes a GraphQLError with an
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
