import type { IncomingHttpHeaders } from "node:http";
import type { ApolloServer } from "@apollo/server";
import type { GatewayGraphQLRequestContext } from "@apollo/server-gateway-interface";
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from "graphql";
import type { RequestInfo } from "../../kit/http";
import type { GatewayContext } from "../context";
import type { AnswerHead } from "./cache-headers";

/**
 * What the fast path (fast-path.ts) hands the gateway's executor: the
 * request context Apollo Server's makeGatewayGraphQLRequestContext would
 * make for the same request, built without copying the client's headers
 * into a map first.
 */

/** The request as the fast path took it. */
export interface TakenRequest {
  method: "POST" | "GET";
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  extensions: Record<string, unknown> | undefined;
}

/** A text Apollo parsed and validated, on its schema. */
export interface KnownText {
  schema: GraphQLSchema;
  document: DocumentNode;
  queryHash: string;
}

/** Apollo's cache policy object, as far as the executor uses it: it replaces it with the answer's (the cache-control plugin is off). */
export class CachePolicy {
  maxAge: number | undefined = undefined;
  scope: "PUBLIC" | "PRIVATE" | undefined = undefined;

  replace(hint: { maxAge?: number; scope?: "PUBLIC" | "PRIVATE" }): void {
    if (hint.maxAge !== undefined) this.maxAge = hint.maxAge;
    if (hint.scope !== undefined) this.scope = hint.scope;
  }
}

/** What Apollo's makeGatewayGraphQLRequestContext hands the executor, for this request. */
export function gatewayRequestContext(
  apollo: ApolloServer<GatewayContext>,
  request: TakenRequest,
  info: RequestInfo,
  head: AnswerHead & { headers: Map<string, string> },
  known: KnownText,
  context: GatewayContext,
  operation: OperationDefinitionNode,
  policy: CachePolicy,
): GatewayGraphQLRequestContext {
  const search = request.method === "GET" ? info.url.search : "";
  return {
    request: {
      query: request.query,
      operationName: request.operationName,
      variables: request.variables,
      extensions: request.extensions,
      http: { method: request.method, url: `https://unknown-url.invalid/${search !== "" && !search.startsWith("?") ? "?" : ""}${search}`, headers: new RequestHeaders(info.headers) },
    },
    response: {
      http: {
        headers: new ResponseHeaders(head.headers),
        get status() {
          return head.status;
        },
        set status(status: number | undefined) {
          head.status = status;
        },
      },
    },
    logger: apollo.logger,
    schema: known.schema,
    schemaHash: "schemaHash no longer exists since Apollo Server 4",
    context,
    cache: apollo.cache,
    queryHash: known.queryHash,
    document: known.document,
    source: request.query,
    operationName: operation.name?.value || null,
    operation,
    errors: undefined,
    metrics: { persistedQueryHit: false, persistedQueryRegister: false },
    debug: false,
    overallCachePolicy: policy,
    requestIsBatched: false,
  } as unknown as GatewayGraphQLRequestContext;
}

/** The client's headers as the executor's fetcher-style headers read them, without copying them into a map first. */
class RequestHeaders {
  private copy: Map<string, string> | undefined;

  constructor(private readonly incoming: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const key = name.toLowerCase();
    return this.copy ? (this.copy.get(key) ?? null) : (joined(this.incoming[key]) ?? null);
  }
  has(name: string): boolean {
    return this.get(name) !== null;
  }
  set(name: string, value: string): void {
    this.map().set(name.toLowerCase(), value);
  }
  append(name: string, value: string): void {
    const known = this.get(name);
    this.set(name, known === null ? value : `${known}, ${value}`);
  }
  delete(name: string): void {
    this.map().delete(name.toLowerCase());
  }
  entries(): IterableIterator<[string, string]> {
    return this.map().entries();
  }
  keys(): IterableIterator<string> {
    return this.map().keys();
  }
  values(): IterableIterator<string> {
    return this.map().values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map().entries();
  }
  private map(): Map<string, string> {
    if (!this.copy) {
      this.copy = new Map();
      for (const [key, value] of Object.entries(this.incoming)) if (value !== undefined) this.copy.set(key, joined(value)!);
    }
    return this.copy;
  }
}

/** The answer's headers as the executor's fetcher-style headers write them. */
class ResponseHeaders {
  constructor(private readonly map: Map<string, string>) {}

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }
  append(name: string, value: string): void {
    const known = this.get(name);
    this.set(name, known === null ? value : `${known}, ${value}`);
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

/** A header's value as Apollo's HeaderMap holds it: repeated lines joined. */
export function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}
