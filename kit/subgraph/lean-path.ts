import type { IncomingMessage, ServerResponse } from "node:http";
import { type DocumentNode, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema, NoSchemaIntrospectionCustomRule, type OperationDefinitionNode, execute, getOperationAST, parse, specifiedRules, validate } from "graphql";
import { formatAsApollo, plainOperation, toGraphQLError } from "../as-apollo";
import type { RequestInfo } from "../http";
import { noteAnswer, requestOf, traceStage } from "../observe";
import { tracingEnabled } from "../telemetry";
import { withNotedErrors } from "./partial-answer";
import { PROVENANCE_HEADER, withProvenance } from "./provenance";

/**
 * A unit's lean path for what the gateway sends it: a signed JSON POST of
 * `{query, variables, operationName}` whose document the unit has seen
 * before. Apollo Server's per-request pipeline (HTTP request checks, a
 * sha256 of the query for its document store, a request context and a
 * round of hooks for every plugin, incremental-delivery negotiation) took
 * about 7% of the busiest unit's (billing's) samples on the bench's crowd
 * cases, a tenth of its busy time, for work that is the same for every
 * fetch. A billing fetch of three customers and their accounts went from
 * 735 to 593 µs of CPU this way (551 with NODE_ENV=production besides);
 * the rest is the silo (SQL), writing the answer and the request log.
 *
 * Here the document is parsed, validated and its operation chosen once per
 * query text (a bounded cache), then graphql-js executes it over the same
 * schema and context, and the answer is written in Apollo's bytes: the same status, content type and
 * body (`errors`, `data`, `extensions` in that order, then a line break),
 * errors normalized and masked by the same formatter, the partial-answer
 * notes and provenance added as their plugins add them, the request's
 * record (operation, error codes, answered) filled as observePlugin fills it.
 *
 * Anything it does not answer exactly as Apollo would goes to Apollo
 * untouched: GET, JSON array batches, another content type or `accept`, persisted
 * queries, a document that does not parse or validate (or asks for the
 * schema, which Apollo allows or refuses by its own settings), an unknown
 * operation or a subscription, variables that do not coerce (graphql-js
 * runs no resolver then, so a mutation still runs once) and a context that
 * cannot be made. test/unit/lean-path.test.ts sends the same requests both
 * ways and compares the bytes. The gateway's batches of fetches
 * (kit/unit-batch.ts) reach it one entry at a time, each as a request of
 * its own (kit/batch-server.ts).
 */

export interface LeanPathOptions {
  /** The unit's name, for its trace spans. */
  name: string;
  schema: GraphQLSchema;
  /** The formatter Apollo Server is given (maskError). */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /** Most query texts kept parsed and validated; the oldest goes first. */
  maxDocuments?: number;
}

export type Answer<C> = (req: IncomingMessage, res: ServerResponse, info: RequestInfo, context: () => Promise<C>) => Promise<boolean>;

/** What the gateway's transport sends: JSON, with no `accept` or one Apollo answers with plain JSON. */
const CONTENT_TYPE = "application/json";
const PLAIN_ACCEPTS = new Set([undefined, "*/*", "application/json"]);
/** Apollo Server's content type for a single result when the client accepts JSON. */
const APPLICATION_JSON = "application/json; charset=utf-8";
const VALIDATION_RULES = [...specifiedRules, NoSchemaIntrospectionCustomRule];

interface Head {
  status: number | undefined;
  headers: Map<string, string>;
}

export function leanPath<C extends object>(options: LeanPathOptions): Answer<C> {
  const documents = documentCache(options.schema, options.name, options.maxDocuments ?? 1000);

  return async (req, res, info, makeContext) => {
    if (req.method !== "POST" || req.headers["content-type"] !== CONTENT_TYPE || !PLAIN_ACCEPTS.has(req.headers.accept)) return false;
    const plain = plainOperation(info.body);
    if (!plain) return false;
    const { query, variables, operationName } = plain;
    const document = documents.get(query);
    if (!document) return false;
    const operation = getOperationAST(document, operationName);
    // A subscription over plain HTTP is no fetch of the gateway's (it subscribes over WebSocket).
    if (!operation || operation.operation === "subscription") return false;

    let contextValue: C;
    try {
      // Apollo gives each operation a shallow copy of the context; resolvers and notes see that copy.
      contextValue = shallowCopy(await makeContext());
    } catch {
      return false;
    }
    const readAt = req.headers[PROVENANCE_HEADER] === "1" ? new Date().toISOString() : "";
    let result: ExecutionResult;
    const head: Head = { status: undefined, headers: new Map() };
    try {
      result = await execute({ schema: options.schema, document, contextValue, variableValues: variables, operationName });
    } catch (err) {
      // Apollo answers an execution that throws (not one whose resolvers fail) with its error alone, 500.
      const errors = formatAsApollo([toGraphQLError(err)], options.formatError, head);
      respond(res, contextValue, operation, { errors }, { status: head.status ?? 500, headers: head.headers }, readAt, options.name);
      return true;
    }
    // No data at all: the variables did not coerce and no resolver ran. Apollo answers that in its own words.
    if (result.data === undefined) return false;
    const errors = result.errors ? formatAsApollo(result.errors, options.formatError, head) : undefined;
    respond(res, contextValue, operation, { ...result, errors }, head, readAt, options.name);
    return true;
  };
}

/**
 * Apollo's willSendResponse round (provenance, then the partial-answer
 * notes, then observe, in plugin order) and its HTTP answer.
 */
function respond(
  res: ServerResponse,
  contextValue: object,
  operation: OperationDefinitionNode,
  result: { data?: unknown; errors?: readonly GraphQLFormattedError[]; extensions?: Record<string, unknown> },
  head: Head,
  readAt: string,
  unit: string,
): void {
  const extensions = readAt ? withProvenance(result.extensions, unit, readAt) : result.extensions;
  const errors = withNotedErrors(contextValue, result.errors);
  const record = requestOf(res);
  if (record) noteAnswer(record, operation.name?.value || null, operation.operation, { data: result.data, errors });
  if (!head.headers.has("content-type")) head.headers.set("content-type", APPLICATION_JSON);
  for (const [key, value] of head.headers) res.setHeader(key, key === "set-cookie" ? value.split("\n") : value);
  res.statusCode = head.status ?? 200;
  if (res.statusCode === 304) return void res.end();
  res.end(`${JSON.stringify({ errors, data: result.data, extensions })}\n`);
}

/** Documents by query text, parsed and validated once; a text that fails either is not kept (Apollo answers it). */
function documentCache(schema: GraphQLSchema, unit: string, max: number): { get(query: string): DocumentNode | undefined } {
  const kept = new Map<string, DocumentNode>();
  return {
    get(query) {
      const known = kept.get(query);
      if (known) return known;
      const started = tracingEnabled() ? performance.timeOrigin + performance.now() : 0;
      let document: DocumentNode;
      try {
        document = parse(query);
      } catch {
        return undefined;
      }
      const parsed = started ? performance.timeOrigin + performance.now() : 0;
      if (validate(schema, document, VALIDATION_RULES).length > 0) return undefined;
      // The spans Apollo's parse and validation make when they run (observePlugin), timed as they ran.
      if (started) {
        traceStage(unit, "graphql.parse", started)(undefined, parsed);
        traceStage(unit, "graphql.validate", parsed)();
      }
      if (kept.size >= max) kept.delete(kept.keys().next().value!);
      kept.set(query, document);
      return document;
    },
  };
}

function shallowCopy<T extends object>(value: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as T, value);
}
