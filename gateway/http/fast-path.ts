import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServer, ApolloServerPlugin, GraphQLRequestListener } from "@apollo/server";
import { type DocumentNode, type GraphQLFormattedError, GraphQLError, type GraphQLSchema, Kind, type OperationDefinitionNode, BREAK, getOperationAST, getVariableValues, visit } from "graphql";
import { formatAsApollo, isRecord, plainOperation, toGraphQLError } from "../../kit/as-apollo";
import type { RequestInfo } from "../../kit/http";
import { noteAnswer, requestOf } from "../../kit/observe";
import type { GatewayContext } from "../context";
import type { FederationGateway } from "../federation-gateway";
import type { Admitted, DemandControl } from "../admission/demand-control";
import { refusedByClientError } from "../admission/protection";
import { provenanceReport } from "../execution/provenance";
import type { AnswerHead, CacheHeadersWriter } from "./cache-headers";
import { writeUnitHeaders } from "./unit-headers";
import { CachePolicy, type KnownText, type TakenRequest, gatewayRequestContext, joined } from "./fast-path-context";

/**
 * The gateway's fast path for the common request: a POST (JSON) or a GET
 * of a query or mutation whose text Apollo Server has already parsed and
 * validated on the schema now served. Apollo's per-request pipeline (a
 * HeaderMap of the request's headers, a sha256 of the query for its
 * document store, a request context, a round of promises for every hook of
 * every plugin, a gateway request context, content negotiation) is the
 * same work for every such request; here it is done once per query text,
 * and the request is answered with what the pipeline answers: the same
 * status, headers (in the same order) and body bytes, the same errors
 * (formatted by the same formatter), the same metrics and log line.
 * Measured with two gateways in one process over the same units, fast path
 * on and off, blocks of 1,500 requests from 50 callers alternated: CPU per
 * request (gateway and load generator) 0.47 → 0.35 ms on the bench's (b),
 * 1.61 → 1.31 ms on its (h), every on-block below its off-block; in a V8
 * profile of cases b, e, g, h Apollo Server's own frames went from 5 % of
 * the gateway's busy samples to none, and garbage collection from 19.5 to
 * 17 %.
 *
 * The gateway's own plugins are honoured by calling what they call: cache
 * headers and `304` (cache-headers.ts), unit headers (unit-headers.ts),
 * the client-error status (admission/protection.ts), demand control's
 * refusal and report (admission/demand-control.ts), provenance
 * (execution/provenance.ts), the request record (kit/observe.ts); Armor's
 * and the limit codes' `didEncounterErrors` hooks are run as they are on
 * the rare answer with errors. It steps aside for good when Apollo has a
 * plugin it does not know (`honours`), or usage reporting (an Apollo key
 * and graph ref), or GATEWAY_FAST_PATH=false.
 *
 * Anything else goes to Apollo Server untouched: a text not seen yet (its
 * first request records it), batches, persisted queries (APQ and the
 * allow-list's hashes), another content type or `accept`, incremental
 * delivery, introspection, `@defer`/`@stream`, subscriptions, an unknown
 * operation, variables that do not coerce (checked before anything runs,
 * so a mutation never runs twice), a context that cannot be made.
 * test/e2e/fast-path.test.ts sends the same requests both ways and
 * compares status, headers and bytes.
 */
export interface FastPathOptions {
  apollo: () => ApolloServer<GatewayContext>;
  gateway: FederationGateway;
  /** The API schema served now; a text is answered here only when Apollo validated it on this one. */
  schema(): GraphQLSchema | null;
  /** The formatter Apollo Server is given. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  cacheHeaders: CacheHeadersWriter;
  /** Whether header rules let unit headers back (unit-headers.ts is then among the plugins). */
  unitHeaders: boolean;
  demand: DemandControl;
  provenance: boolean;
  /** Plugins whose only per-request hook is `didEncounterErrors` (Armor's, the limit codes), run on answers with errors. */
  errorPlugins: readonly ApolloServerPlugin[];
  /** Apollo's CSRF prevention headers: a GET needs one when it has no content type. */
  csrfHeaders: readonly string[];
  /** Most query texts kept, and most characters they may hold together; the oldest go first. */
  maxDocuments?: number;
  maxChars?: number;
}

export interface FastPath {
  /** Records each text Apollo parsed and validated; to be Apollo's last plugin. */
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Steps aside for good unless every plugin Apollo is given is one it honours. */
  honours(plugins: readonly ApolloServerPlugin<GatewayContext>[], known: readonly ApolloServerPlugin<GatewayContext>[]): boolean;
  /** The HTTP front's `answer` hook (kit/http.ts): true once it has answered. */
  answer(req: IncomingMessage, res: ServerResponse, info: RequestInfo, context: () => Promise<GatewayContext>): Promise<boolean>;
  /** From now on every request goes to Apollo (the gateway is closing). */
  stop(): void;
  /** Why it stepped aside, if it did. */
  readonly off: string | null;
}

/** Content types of a POST Apollo takes as JSON with no CSRF check; `accept` values and the content type Apollo answers them with. */
const JSON_TYPES = new Set(["application/json", "application/json; charset=utf-8", "application/json;charset=utf-8"]);
const ANSWER_TYPES = new Map<string | undefined, string>([
  [undefined, "application/json; charset=utf-8"],
  ["", "application/json; charset=utf-8"],
  ["*/*", "application/json; charset=utf-8"],
  ["application/json", "application/json; charset=utf-8"],
  ["application/graphql-response+json", "application/graphql-response+json; charset=utf-8"],
  ["application/graphql-response+json, application/json", "application/graphql-response+json; charset=utf-8"],
  ["application/graphql-response+json,application/json;q=0.9", "application/graphql-response+json; charset=utf-8"],
]);

export function fastPath(options: FastPathOptions): FastPath {
  const documents = new Map<string, KnownText>();
  const max = options.maxDocuments ?? 1000;
  // Texts and their documents are kept within a bound on characters as well: a flood of large texts cannot grow memory.
  const maxChars = options.maxChars ?? 1024 * 1024;
  let chars = 0;
  let off: string | null = null;
  let servedSchema: GraphQLSchema | null = null;

  const recorder: GraphQLRequestListener<GatewayContext> = {
    async didResolveOperation({ source, document, queryHash, schema }) {
      if (off || typeof source !== "string" || source.length > maxChars || documents.has(source) || !plainDocument(document)) return;
      documents.set(source, { schema, document, queryHash });
      chars += source.length;
      for (const oldest of documents.keys()) {
        if (documents.size <= max && chars <= maxChars) break;
        documents.delete(oldest);
        chars -= oldest.length;
      }
    },
  };

  const path: FastPath = {
    get off() {
      return off;
    },
    plugin: {
      async serverWillStart({ apollo }) {
        // Apollo installs usage reporting itself when it has a key and a graph ref: its hooks would not run here.
        if (apollo.key && apollo.graphRef) off = "Apollo usage reporting is on";
      },
      async requestDidStart() {
        return off ? undefined : recorder;
      },
    },
    honours(plugins, known) {
      const ours = new Set([...known, path.plugin]);
      if (!plugins.every((p) => ours.has(p))) off = "Apollo Server has plugins the fast path does not know";
      return off === null;
    },
    stop() {
      off ??= "stopped";
    },
    async answer(req, res, info, makeContext) {
      if (off) return false;
      const schema = options.schema();
      if (schema !== servedSchema) {
        // Texts validated on another schema are of no use any more.
        documents.clear();
        chars = 0;
        servedSchema = schema;
      }
      const request = commonRequest(req, info, options.csrfHeaders);
      if (!request) return false;
      const known = documents.get(request.query);
      if (!known || known.schema !== schema) return false;
      const answerType = ANSWER_TYPES.get(req.headers.accept);
      if (!answerType) return false;
      const { document } = known;
      const operation = getOperationAST(document, request.operationName);
      if (!operation || operation.operation === "subscription" || (request.method === "GET" && operation.operation !== "query")) return false;
      let context: GatewayContext;
      try {
        context = await makeContext();
      } catch {
        return false;
      }
      const answer = new Answer(options, res, req.headers, answerType, context, operation);
      // Apollo's didResolveOperation round: demand control admits, or refuses with its metrics counted once.
      let admitted: Admitted | undefined;
      try {
        admitted = options.demand.admit(schema, document, operation, request.variables, context.identity);
      } catch (err) {
        await answer.errorsOnly([toGraphQLError(err)], undefined);
        return true;
      }
      // Variables that do not coerce are Apollo's to word; nothing has run yet.
      if (getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}).errors) return false;
      const requestContext = gatewayRequestContext(options.apollo(), request, info, answer.head, known, context, operation, answer.policy);
      // Written as soon as it is shaped: the gateway hands every result to `deliver`.
      let written: Promise<void> | undefined;
      try {
        await options.gateway.execute(requestContext, true, (result) => (written = answer.result(result, admitted)));
      } catch (err) {
        // Once the answer was handed over, nothing is left to write.
        if (!written) {
          await answer.errorsOnly([toGraphQLError(err)], admitted);
          return true;
        }
      }
      await written;
      return true;
    },
  };
  return path;
}

/** One answer as Apollo's pipeline makes it: the head, the errors' normalization, the willSendResponse round, the HTTP write. */
class Answer {
  readonly head: AnswerHead & { status?: number; headers: Map<string, string> } = { status: undefined, headers: new Map() };
  readonly policy = new CachePolicy();

  constructor(
    private readonly options: FastPathOptions,
    private readonly res: ServerResponse,
    private readonly headers: IncomingHttpHeaders,
    private readonly contentType: string,
    private readonly context: GatewayContext,
    private readonly operation: OperationDefinitionNode,
  ) {}

  /** An executed operation's result. */
  async result(result: { data?: unknown; errors?: readonly GraphQLError[]; extensions?: Record<string, unknown> }, admitted: Admitted | undefined): Promise<void> {
    let formatted: GraphQLFormattedError[] | undefined;
    if (result.errors) {
      const errors = result.errors.map((e) => (isBadUserInput(e) && e.extensions?.code == null ? userInputError(e) : e));
      await this.encountered(errors);
      formatted = this.format(errors);
    }
    // Apollo's status400ForVariableCoercionErrors: errors and no data at all.
    if (formatted?.length && result.data === undefined && !this.head.status) this.head.status = 400;
    this.send({ ...result, errors: formatted }, admitted);
  }

  /** An answer that is only errors (a refusal, a failed execution): a 500 unless an error says otherwise. */
  async errorsOnly(errors: GraphQLError[], admitted: Admitted | undefined): Promise<void> {
    await this.encountered(errors);
    const formatted = this.format(errors);
    if (!this.head.status) this.head.status = 500;
    this.send({ errors: formatted }, admitted);
  }

  /** The didEncounterErrors round (Armor's suggestion mask, the limit codes). */
  private async encountered(errors: readonly GraphQLError[]): Promise<void> {
    for (const plugin of this.options.errorPlugins) {
      const listener = await plugin.requestDidStart?.({ contextValue: this.context } as never);
      await listener?.didEncounterErrors?.({ errors, contextValue: this.context } as never);
    }
  }

  /** Apollo's normalizeAndFormatErrors (kit/apollo-errors.ts), `extensions.http` into this answer's head. */
  private format(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
    return formatAsApollo(errors, this.options.formatError, this.head);
  }

  /** The willSendResponse round, in the order the plugins are given to Apollo (server.ts), then the HTTP answer. */
  private send(single: { data?: unknown; errors?: GraphQLFormattedError[]; extensions?: Record<string, unknown> }, admitted: Admitted | undefined): void {
    const { head, context, operation, options } = this;
    options.cacheHeaders(head, single, { authorization: joined(this.headers.authorization), ifNoneMatch: joined(this.headers["if-none-match"]) }, this.policy, context);
    if (options.unitHeaders) writeUnitHeaders(context, head.headers);
    if (refusedByClientError(single)) head.status = 400;
    const operationName = operation.name?.value || null;
    if (admitted) options.demand.report(admitted, single, true, operationName, context.wantCost === true);
    if (options.provenance) {
      const provenance = provenanceReport(context.provenance);
      if (provenance) single.extensions = { ...single.extensions, provenance };
    }
    const record = requestOf(context);
    if (record) noteAnswer(record, operationName, operation.operation, single);
    if (!head.headers.has("content-type")) head.headers.set("content-type", this.contentType);
    const res = this.res;
    for (const [key, value] of head.headers) res.setHeader(key, key === "set-cookie" ? value.split("\n") : value);
    res.statusCode = head.status ?? 200;
    if (res.statusCode === 304) return void res.end();
    res.end(answerBytes({ errors: single.errors, data: single.data, extensions: single.extensions }));
  }
}

/**
 * The answer's JSON and Apollo's closing newline, as the bytes that go on the
 * wire. JSON.stringify returns a large result in pieces; turning it into bytes
 * joins them into one copy on V8's heap. Handed the string, Node's write made
 * that copy to measure it and a second one on the socket (a V8 sampling heap
 * profile under the bench's list case (c) showed both, about as large); made
 * into bytes here, the answer leaves V8's heap after the first.
 */
export function answerBytes(answer: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(answer)}\n`, "utf8");
}

/** The request as Apollo would take it without a word, or undefined for anything else. */
function commonRequest(req: IncomingMessage, info: RequestInfo, csrfHeaders: readonly string[]): TakenRequest | undefined {
  if (info.incremental) return undefined;
  if (req.method === "POST") {
    const type = req.headers["content-type"];
    if (type === undefined || !JSON_TYPES.has(type.toLowerCase())) return undefined;
    const operation = plainOperation(info.body);
    return operation && { method: "POST", ...operation };
  }
  if (req.method !== "GET") return undefined;
  // Apollo's CSRF prevention: no content type, so one of its headers (a JSON content type is answered by Apollo).
  if (req.headers["content-type"] !== undefined || !csrfHeaders.some((name) => (joined(req.headers[name]) ?? "").length > 0)) return undefined;
  const params = info.url.searchParams;
  const query = once(params, "query");
  const operationName = once(params, "operationName");
  const variables = once(params, "variables");
  const extensions = once(params, "extensions");
  if (typeof query !== "string" || query === "" || operationName === null || variables === null || extensions === null) return undefined;
  const parsedVariables = variables === undefined ? undefined : jsonRecord(variables);
  const parsedExtensions = extensions === undefined ? undefined : jsonRecord(extensions);
  if (parsedVariables === null || parsedExtensions === null || (parsedExtensions && "persistedQuery" in parsedExtensions)) return undefined;
  return { method: "GET", query, operationName, variables: parsedVariables, extensions: parsedExtensions };
}

/** A parameter given at most once: its value, undefined when absent, null when repeated. */
function once(params: URLSearchParams, name: string): string | undefined | null {
  const values = params.getAll(name);
  return values.length === 0 ? undefined : values.length === 1 ? values[0] : null;
}

function jsonRecord(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * Whether a validated document is one the fast path may answer: no
 * introspection (`__schema`, `__type`: Apollo allows or refuses it by its
 * own settings) and no incremental delivery directive.
 */
function plainDocument(document: DocumentNode): boolean {
  let plain = true;
  visit(document, {
    Field(node) {
      if (node.name.value === "__schema" || node.name.value === "__type") {
        plain = false;
        return BREAK;
      }
      return undefined;
    },
    Directive(node) {
      if (node.name.value === "defer" || node.name.value === "stream") {
        plain = false;
        return BREAK;
      }
      return undefined;
    },
  });
  return plain;
}

/** Apollo's test for an error of variable coercion (its UserInputError). */
function isBadUserInput(error: GraphQLError): boolean {
  const node = error.nodes?.length === 1 ? error.nodes[0] : undefined;
  if (node?.kind !== Kind.VARIABLE_DEFINITION) return false;
  const name = node.variable.name.value;
  return ["has invalid value", "got invalid value ", "of required type ", "of non-null type "].some((words) => error.message.startsWith(`Variable "$${name}" ${words}`));
}

function userInputError(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, originalError: error.originalError ?? error, extensions: { ...error.extensions, code: "BAD_USER_INPUT" } });
}
