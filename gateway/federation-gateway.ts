import { createHash } from "node:crypto";
import { ERRORS, type Operation, type Schema, Supergraph, operationFromDocument } from "@apollo/federation-internals";
import type { GraphQLDataSource, SupergraphManager, SupergraphSdlHook } from "@apollo/gateway";
import type { GatewayExecutionResult, GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface, GatewaySchemaLoadOrUpdateCallback, GatewayUnsubscriber } from "@apollo/server-gateway-interface";
import { INVALID_SPAN_CONTEXT, type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import { type DocumentNode, type ExecutionResult, GraphQLError, type GraphQLSchema, OperationTypeNode, getOperationAST, getVariableValues } from "graphql";
import type { GatewayContext } from "./context";
import { type CacheHints, PRIVATE, cacheHintsOf, policyOfAnswer } from "./execution/cache-policy";
import { type DeferredPart, type Run, newRun, runOnEvent, runPlan } from "./execution/execute-plan";
import { fieldAtPath, fieldOwners, nullReasons, planForExplain } from "./execution/explain";
import { clientLabel, labelDefers, objectsAt, partOperation, primaryOperation } from "./execution/incremental";
import { HEALTH_CHECK } from "./execution/request-kinds";
import { shapeResponse } from "./execution/respond";
import { tracingEnabled } from "../kit/telemetry";
import type { PlanObserver } from "./operations/metrics";
import { DEFAULT_PLANNER, PLANNERS, PlanCache, type PlannerName, createPlanner } from "./planning/planner";
import type { FetchStep, PlanNode } from "./planning/plan";
import { type EntityKeys, type FieldUnits, entityKeysOf, fieldUnitsOf, subgraphsOf } from "./planning/supergraph";

/**
 * The gateway object Apollo Server runs (its public `gateway` contract:
 * `load`, `onSchemaLoadOrUpdate`, `stop`, and an executor): supergraph
 * loading and hot reload, the API schema, a planner, and the gateway's own
 * executor and result shaping. It takes @apollo/gateway's configuration
 * where the two overlap, so a team moving from ApolloGateway keeps its
 * `supergraphSdl` (a text, a hook, or a SupergraphManager such as
 * IntrospectAndCompose or UplinkSupergraphManager) and its `buildService`
 * (a RemoteGraphQLDataSource subclass keeps working).
 */
export interface FederationGatewayOptions {
  supergraphSdl: string | SupergraphSdlHook | SupergraphManager;
  buildService?: (definition: { name: string; url?: string }) => GraphQLDataSource;
  /** Which planner plans (planning/planner.ts). */
  planner?: PlannerName;
  /** Distinct operations whose plans are kept. */
  planCacheSize?: number;
  planMetrics?: PlanObserver;
  logger?: { info(message: string): void; warn(message: string): void; error(message: string): void };
}

/** Everything one supergraph needs; a reload builds a new one and requests in flight finish on theirs. */
interface Loaded {
  id: string;
  sdl: string;
  apiSchema: Schema;
  schema: GraphQLSchema;
  supergraphSchema: GraphQLSchema;
  keys: EntityKeys;
  fieldUnits: FieldUnits;
  /** The units' `@cacheControl` hints, for each answer's HTTP cache policy. */
  cacheHints: CacheHints;
  /** Which unit resolves each field, for explain's null reasons. */
  owners: Map<string, string>;
  plans: PlanCache;
  services: Record<string, GraphQLDataSource>;
  /** The federation library's form of each operation of each parsed document. */
  operations: WeakMap<DocumentNode, Map<string, Operation>>;
}

/**
 * Apollo's RemoteGraphQLDataSource, for a gateway built without `buildService`
 * (ours always passes one: subgraph-calls/units.ts). Read from @apollo/gateway
 * only then: that package's entry also loads its composition, usage
 * reporting, OpenTelemetry metrics and an HTTP cache client, about 11 MB of
 * heap a gateway would otherwise hold all its life for nothing.
 */
function remoteDataSource(): typeof import("@apollo/gateway").RemoteGraphQLDataSource {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("@apollo/gateway") as typeof import("@apollo/gateway")).RemoteGraphQLDataSource;
}

const tracer = trace.getTracer("customer-graph-gateway");
/** Stands in for a span while tracing is off: every method does nothing. */
const NO_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * `run` inside a new active span when tracing is on; else `run` itself, with
 * a span that records nothing: the API's no-op tracer would still make a span
 * and a context for each of a request's stages, to throw away.
 */
function inSpan<T>(name: string, run: (span: Span) => T): T {
  return tracingEnabled() ? tracer.startActiveSpan(name, run) : run(NO_SPAN);
}

/** What `execute` resolves to when it has handed its result to `deliver`. */
export const DELIVERED: GatewayExecutionResult = Object.freeze({});

export class FederationGateway implements GatewayInterface {
  private loaded: Loaded | null = null;
  private readonly listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  private readonly sources = new Map<string, { url: string | undefined; source: GraphQLDataSource }>();
  private cleanup: (() => Promise<void>) | null = null;
  private phase: "new" | "loading" | "loaded" | "stopped" = "new";
  readonly planner: PlannerName;

  constructor(private readonly options: FederationGatewayOptions) {
    this.planner = options.planner ?? DEFAULT_PLANNER;
    if (!PLANNERS.includes(this.planner)) throw new Error(`unknown planner "${String(this.planner)}": one of ${PLANNERS.join(", ")}`);
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): GatewayUnsubscriber {
    this.listeners.add(callback);
    return () => void this.listeners.delete(callback);
  }

  async load(): Promise<{ executor: GatewayExecutor }> {
    if (this.phase !== "new") throw new Error(`the gateway cannot load twice (it is ${this.phase})`);
    this.phase = "loading";
    const source = this.options.supergraphSdl;
    const manager: SupergraphManager = typeof source === "string" ? { initialize: async () => ({ supergraphSdl: source }) } : typeof source === "function" ? { initialize: source } : source;
    const result = await manager.initialize({
      update: (sdl) => this.update(sdl),
      healthCheck: (sdl) => this.healthCheck(sdl),
      getDataSource: ({ name, url }) => this.sourceOf(name, url),
    });
    if (result?.cleanup) this.cleanup = result.cleanup;
    this.update(result.supergraphSdl);
    this.phase = "loaded";
    return { executor: (requestContext) => this.execute(requestContext) };
  }

  async stop(): Promise<void> {
    if (this.phase === "stopped") return;
    this.phase = "stopped";
    const cleanup = this.cleanup;
    this.cleanup = null;
    await cleanup?.();
  }

  /** A unit's URL as the served supergraph gives it (a deployment may override it). */
  unitUrl(unit: string): string | undefined {
    return this.loaded ? subgraphsOf(this.loaded.sdl).find((s) => s.name === unit)?.url : undefined;
  }

  /** The supergraph now served (for readiness and explain). */
  get supergraphSdl(): string | null {
    return this.loaded?.sdl ?? null;
  }

  /**
   * Swaps in a new supergraph for new requests. Throws, leaving the served
   * one in place, when the text is not a valid supergraph.
   */
  update(sdl: string): void {
    if (this.phase === "stopped") throw new Error("the gateway is stopped");
    const id = createHash("sha256").update(sdl).digest("hex");
    if (this.loaded?.id === id) return;
    const supergraph = Supergraph.build(sdl, { validateSupergraph: true });
    const apiSchema = supergraph.apiSchema();
    const services: Record<string, GraphQLDataSource> = Object.create(null);
    for (const { name, url } of subgraphsOf(sdl)) services[name] = this.sourceOf(name, url);
    const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    const keys = entityKeysOf(sdl);
    const planner = createPlanner(
      this.planner,
      supergraph,
      sdl,
      (error, request) => this.options.logger?.warn(`the ${this.planner === "apollo" ? "apollo" : "hive"} planner could not plan ${request.operationName ?? "an operation"} (${error.message.slice(0, 300)}); planned by the other planner`),
      { schema: supergraphSchema, keys },
    );
    this.loaded = {
      id,
      sdl,
      apiSchema,
      // @defer is part of the served schema: clients may ask for incremental delivery.
      schema: apiSchema.toGraphQLJSSchema({ includeDefer: true }),
      supergraphSchema,
      keys,
      fieldUnits: fieldUnitsOf(sdl),
      cacheHints: cacheHintsOf(sdl),
      owners: fieldOwners(sdl),
      plans: new PlanCache(planner, this.options.planCacheSize ?? 2000, this.options.planMetrics),
      services,
      operations: new WeakMap(),
    };
    for (const listener of this.listeners) {
      try {
        listener({ apiSchema: this.loaded.schema, coreSupergraphSdl: sdl });
      } catch (err) {
        this.options.logger?.error(`a schema listener failed; the schema still updates: ${(err as Error).message}`);
      }
    }
  }

  /** One data source per subgraph name and URL, kept across reloads that do not move it. */
  private sourceOf(name: string, url: string | undefined): GraphQLDataSource {
    const known = this.sources.get(name);
    if (known && known.url === url) return known.source;
    const source = this.options.buildService ? this.options.buildService({ name, url }) : new (remoteDataSource())({ url });
    this.sources.set(name, { url, source });
    return source;
  }

  private async healthCheck(sdl: string): Promise<void> {
    await Promise.all(
      subgraphsOf(sdl).map(async ({ name, url }) => {
        try {
          await this.sourceOf(name, url).process({ kind: HEALTH_CHECK, request: { query: "query __ApolloServiceHealthCheck__ { __typename }" }, context: {} });
        } catch (err) {
          throw new Error(`[${name}]: ${(err as Error).message}`);
        }
      }),
    );
  }

  /**
   * Runs one operation, as Apollo Server's executor and for the fast path
   * (http/fast-path.ts), which has coerced the variables already
   * (`variablesCoerced`) and declined the request when they did not coerce.
   *
   * `deliver`, when given, is handed an executed operation's result as soon
   * as it is shaped, in the same synchronous stretch, so the caller can write
   * it and let it go at once. Awaited instead, the result waits for the
   * promise chain: when one unit's answer ends many requests at once (a
   * batch answer), each shapes its answer before any is written, and all of
   * them are alive for any young collection that runs meanwhile (under the
   * bench's list case, crowd, a probe counted up to 28 waiting). Every
   * result goes to `deliver` once, those that end before running (refusals)
   * when they are known, and the promise then holds `DELIVERED`, an empty
   * result, so nothing else keeps it.
   */
  execute(requestContext: GatewayGraphQLRequestContext, variablesCoerced = false, deliver?: (result: GatewayExecutionResult) => void): Promise<GatewayExecutionResult> {
    const answered = this.run(requestContext, variablesCoerced, deliver);
    if (!deliver) return answered;
    return answered.then((result) => {
      if (result !== DELIVERED) deliver(result);
      return DELIVERED;
    });
  }

  private run(requestContext: GatewayGraphQLRequestContext, variablesCoerced: boolean, deliver?: (result: GatewayExecutionResult) => void): Promise<GatewayExecutionResult> {
    const loaded = this.loaded;
    if (!loaded) return Promise.resolve({ errors: [new GraphQLError("the gateway has no supergraph yet")] });
    return inSpan("gateway.request", async (span) => {
      try {
        return await this.executeOn(loaded, requestContext, span, variablesCoerced, deliver);
      } finally {
        span.end();
      }
    });
  }

  private async executeOn(loaded: Loaded, requestContext: GatewayGraphQLRequestContext, span: Span, variablesCoerced: boolean, deliver?: (result: GatewayExecutionResult) => void): Promise<GatewayExecutionResult> {
    const { operation: definition, document } = requestContext;
    const operationName = requestContext.request.operationName ?? requestContext.operationName ?? undefined;
    // Apollo Server leaves the operation unset when the document has no operation of that name.
    if (!definition) return { errors: [ERRORS.INVALID_GRAPHQL.err(operationName ? `Unknown operation named "${operationName}".` : "Must provide an operation.")] };
    if (definition.operation === OperationTypeNode.SUBSCRIPTION) {
      return {
        errors: [new GraphQLError('subscribe over WebSocket (graphql-transport-ws), Server-Sent Events (accept: text/event-stream) or multipart HTTP (accept: multipart/mixed;subscriptionSpec="1.0")', { extensions: { code: "BAD_REQUEST" } })],
      };
    }
    const invalid = variablesCoerced
      ? undefined
      : inSpan("gateway.validate", (validate) => {
          try {
            return getVariableValues(loaded.schema, definition.variableDefinitions ?? [], requestContext.request.variables ?? {}).errors;
          } finally {
            validate.end();
          }
        });
    if (invalid && invalid.length > 0) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      return { errors: invalid };
    }
    // Every @defer gets a label before planning, so each deferred part is matched to its fragment.
    const labelled = labelDefers(document);
    let operation: Operation;
    try {
      operation = operationOf(loaded, labelled, operationName);
    } catch (err) {
      if (err instanceof GraphQLError) return { errors: [err] };
      throw err;
    }
    const plan = this.planOf(loaded, requestContext.queryHash, labelled, requestContext.source, operationName, operation);
    return inSpan("gateway.execute", async (execute) => {
      try {
        const run = newRun({ plan, services: loaded.services, requestContext, supergraphSchema: loaded.supergraphSchema, keys: loaded.keys, fieldUnits: loaded.fieldUnits, operation });
        const incremental = (requestContext.context as Partial<GatewayContext>).incremental;
        if (incremental && operation.selectionSet.hasDefer()) {
          run.onDeferred = (part) =>
            incremental.add(
              part.path,
              part.done.then((errors) => deferredPayload(loaded, labelled, operationName, run, part, errors)),
            );
        }
        await runPlan(run);
        const result = run.onDeferred ? shapeResponse({ ...run, operation: primaryOperation(loaded.apiSchema, labelled, operationName, run.variables) }) : shapeResponse(run);
        if (result.errors) execute.setStatus({ code: SpanStatusCode.ERROR });
        // Apollo's contract for a gateway's cache policy (maxAge 0 and PUBLIC: revalidate every time);
        // an error, a missing unit among them, makes the answer uncacheable.
        const policy = result.errors?.length ? PRIVATE : policyOfAnswer(requestContext.schema, loaded.cacheHints, document, definition, result.data);
        requestContext.overallCachePolicy.replace(policy.kind === "public" ? { maxAge: policy.maxAge, scope: "PUBLIC" } : { maxAge: 0, scope: policy.kind === "private" ? "PRIVATE" : "PUBLIC" });
        const explain = (requestContext.context as Partial<GatewayContext>).explain;
        if (explain) {
          const nulls = nullReasons(result.data, result.errors ?? [], loaded.owners, (path) => fieldAtPath(requestContext.schema, document, definition, path));
          result.extensions = { ...result.extensions, explain: { planner: plan.planner, ...(plan.choice && { choice: plan.choice }), plan: planForExplain(plan.node), fetches: explain.fetches, fallbacks: explain.fallbacks, nulls } };
        }
        if (!deliver) return result;
        deliver(result);
        return DELIVERED;
      } finally {
        execute.end();
      }
    });
  }

  private planOf(loaded: Loaded, queryHash: string, document: DocumentNode, source: string | undefined, operationName: string | undefined, operation: Operation) {
    const key = `${queryHash}\u0000${operationName ?? ""}`;
    const request = () => ({ document, source: source ?? "", operationName, operation });
    if (loaded.plans.has(key)) return loaded.plans.get(key, request);
    return inSpan("gateway.plan", (planning) => {
      try {
        return loaded.plans.get(key, request);
      } finally {
        planning.end();
      }
    });
  }

  /**
   * A subscription on the supergraph now served: its plan's primary fetch
   * (the owning unit's event stream) and how to answer one event of it (the
   * rest of the plan, then shaping, as for a query). The document must be
   * validated already; `queryHash` keys the plan cache.
   */
  subscription(document: DocumentNode, queryHash: string, operationName: string | undefined): PreparedSubscription {
    const loaded = this.loaded;
    if (!loaded) throw new GraphQLError("the gateway has no supergraph yet", { extensions: { code: "UNAVAILABLE" } });
    const definition = getOperationAST(document, operationName);
    if (!definition || definition.operation !== OperationTypeNode.SUBSCRIPTION) throw new GraphQLError("not a subscription operation", { extensions: { code: "BAD_REQUEST" } });
    const operation = operationOf(loaded, document, operationName);
    const plan = this.planOf(loaded, queryHash, document, undefined, operationName, operation);
    if (plan.node?.kind !== "Subscription") throw new GraphQLError("the planner gave no subscription plan for this operation", { extensions: { code: "INTERNAL_SERVER_ERROR" } });
    const { primary, rest } = plan.node;
    return {
      supergraphId: loaded.id,
      primary,
      answer: async (event, variables, context) => {
        const requestContext = { request: { variables, operationName }, context, schema: loaded.schema, operation: definition, document, operationName: operationName ?? null } as unknown as GatewayGraphQLRequestContext;
        const run = newRun({ plan: { node: rest ?? null, planner: plan.planner }, services: loaded.services, requestContext, supergraphSchema: loaded.supergraphSchema, keys: loaded.keys, fieldUnits: loaded.fieldUnits, operation });
        await runOnEvent(run, rest as PlanNode | undefined, event);
        return shapeResponse(run) as ExecutionResult;
      },
    };
  }
}

/** What a subscriber's stream needs of the gateway: the event source, and the answer to each event. */
export interface PreparedSubscription {
  /** The supergraph it was planned on: a reload ends it. */
  supergraphId: string;
  /** The fetch that opens the owning unit's event stream. */
  primary: FetchStep;
  answer(event: Record<string, unknown>, variables: Record<string, unknown>, context: GatewayContext): Promise<ExecutionResult>;
}

/** One deferred part's payload items: the client's fragment, shaped, at each place it lands. */
function deferredPayload(loaded: Loaded, document: DocumentNode, operationName: string | undefined, run: Run, part: DeferredPart, errors: GraphQLError[]) {
  const label = part.label ?? "";
  const shaping = partOperation(loaded.apiSchema, document, operationName, run.variables, label);
  if (!shaping) return { items: [], errors };
  const shaped = shapeResponse({ ...run, errors, operation: shaping.operation });
  return { items: objectsAt(shaped.data, shaping.path).map((at) => ({ data: at.data, path: at.path, label: clientLabel(part.label) })), errors: (shaped.errors ?? []) as GraphQLError[] };
}

function operationOf(loaded: Loaded, document: DocumentNode, operationName: string | undefined): Operation {
  let byName = loaded.operations.get(document);
  if (!byName) {
    byName = new Map();
    loaded.operations.set(document, byName);
  }
  let operation = byName.get(operationName ?? "");
  if (!operation) {
    operation = operationFromDocument(loaded.apiSchema, document, { operationName, validate: false });
    byName.set(operationName ?? "", operation);
  }
  return operation;
}
