import { type Operation, type Schema, type Selection, assert, operationFromDocument } from "@apollo/federation-internals";
import type { OperationContext } from "@apollo/gateway/dist/operationContext";
import { applyRewrites, isObjectOfType } from "@apollo/gateway/dist/dataRewrites";
import { GraphQLDataSourceRequestKind } from "@apollo/gateway/dist/datasources/types";
import type { ServiceMap } from "@apollo/gateway/dist/executeQueryPlan";
import { deepMerge } from "@apollo/gateway/dist/utilities/deepMerge";
import { type OpenTelemetryConfig, OpenTelemetrySpanNames, recordExceptions, tracer } from "@apollo/gateway/dist/utilities/opentelemetry";
import { type FetchNode, type PlanNode, type QueryPlan, type QueryPlanSelectionNode, type ResponsePath, evaluateCondition, getResponseName } from "@apollo/query-planner";
import type { GatewayExecutionResult, GatewayGraphQLRequestContext } from "@apollo/server-gateway-interface";
import { SpanStatusCode } from "@opentelemetry/api";
import { installedComputeResponse, swapIn } from "./apollo-internals";
import { downstreamError, errorPaths } from "./fetch-errors";
import { Output } from "./shaping";
import {
  type DocumentNode,
  type FieldNode,
  type GraphQLFormattedError,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  type VariableDefinitionNode,
  executeSync,
  visit,
} from "graphql";

// Bound once: each use of an import from a package's index goes through a getter.
const responseNameOf = getResponseName;
const check: typeof assert = assert;

/**
 * The gateway's executor of Apollo's query plans: the planner stays
 * Apollo's; this runs what it plans. Same steps, same results and errors as
 * @apollo/gateway's `executeQueryPlan` (the end-to-end suites run on it, and
 * test/e2e/executor.test.ts compares answers with Apollo's own), with the
 * per-request work that does not change an answer left out:
 *
 * - the client operation in the planner's form (`operationFromDocument`) is
 *   built once per parsed document and API schema, not on every request
 *   (Apollo Server hands the same parsed document to every request with the
 *   same text);
 * - no usage-reporting trace tree is built (Apollo builds one protobuf node
 *   per plan node on every request and keeps it only when sending traces to
 *   Apollo's cloud, which this gateway never does);
 * - representations and cursors are built without intermediate arrays, and
 *   as objects V8 keeps compact.
 *
 * Installed by `installPlanExecutor` where @apollo/gateway looks its executor
 * up (GATEWAY_OWN_EXECUTOR); results are shaped by whatever
 * `computeResponse` is installed (shaping.ts, or Apollo's).
 */
export async function executeQueryPlan(
  queryPlan: QueryPlan,
  serviceMap: ServiceMap,
  requestContext: GatewayGraphQLRequestContext,
  operationContext: OperationContext,
  supergraphSchema: GraphQLSchema,
  apiSchema: Schema,
  telemetry?: OpenTelemetryConfig,
): Promise<GatewayExecutionResult> {
  return tracer.startActiveSpan(OpenTelemetrySpanNames.EXECUTE, async (span) => {
    try {
      let operation: Operation;
      try {
        operation = operationOf(apiSchema, operationContext);
      } catch (err) {
        if (err instanceof GraphQLError) return { errors: [err] };
        throw err;
      }
      const run: Run = { operationContext, operation, serviceMap, requestContext, supergraphSchema, errors: [], telemetry };
      const unfiltered = new Output();
      if (queryPlan.node?.kind === "Subscription") throw new Error("Execution of subscriptions not supported by gateway");
      if (queryPlan.node) await runNode(run, queryPlan.node, { path: [], data: unfiltered, fullResult: unfiltered });
      const result = await tracer.startActiveSpan(OpenTelemetrySpanNames.POST_PROCESSING, async (post): Promise<GatewayExecutionResult> => {
        try {
          const variables = requestContext.request.variables;
          const { data, errors: shapingErrors } = installedComputeResponse()({
            operation,
            variables,
            input: unfiltered,
            // Apollo passes the field selection; its fragments expanded, it is a field node.
            introspectionHandling: (selection: Selection) =>
              introspect(operationContext.schema, (selection as unknown as { expandFragments(): { toSelectionNode(): FieldNode } }).expandFragments().toSelectionNode(), operationContext.operation.variableDefinitions, variables),
          });
          if (run.errors.length === 0 && shapingErrors.length > 0) {
            recordExceptions(post, shapingErrors, telemetry);
            post.setStatus({ code: SpanStatusCode.ERROR });
            return { extensions: { valueCompletion: shapingErrors }, data };
          }
          return run.errors.length === 0 ? { data } : { errors: run.errors, data };
        } catch (error) {
          recordExceptions(post, [error as Error], telemetry);
          post.setStatus({ code: SpanStatusCode.ERROR });
          if (error instanceof GraphQLError) return { errors: [error] };
          if (error instanceof Error) return { errors: [new GraphQLError(error.message, { originalError: error })] };
          (requestContext.logger ?? console).error(`Unexpected error during query plan execution: ${String(error)}`);
          return { errors: [new GraphQLError("Unexpected error during query plan execution")] };
        } finally {
          post.end();
        }
      });
      if (result.errors) {
        recordExceptions(span, result.errors, telemetry);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      return result;
    } catch (err) {
      recordExceptions(span, [err as Error], telemetry);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

interface Run {
  operationContext: OperationContext;
  operation: Operation;
  serviceMap: ServiceMap;
  requestContext: GatewayGraphQLRequestContext;
  supergraphSchema: GraphQLSchema;
  errors: GraphQLError[];
  telemetry?: OpenTelemetryConfig;
}

type Data = Record<string, unknown>;

/** Where a plan node works: the objects at `path` of the result so far (a list where the path crosses lists). */
interface Cursor {
  path: ResponsePath;
  data: unknown;
  fullResult: Data;
}

/** The planner's form of the client operation, per API schema and parsed operation. */
const operations = new WeakMap<Schema, WeakMap<OperationDefinitionNode, Operation>>();
function operationOf(apiSchema: Schema, context: OperationContext): Operation {
  let bySchema = operations.get(apiSchema);
  if (!bySchema) {
    bySchema = new WeakMap();
    operations.set(apiSchema, bySchema);
  }
  let operation = bySchema.get(context.operation);
  if (!operation) {
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [context.operation, ...Object.values(context.fragments)] };
    operation = operationFromDocument(apiSchema, document, { validate: false });
    bySchema.set(context.operation, operation);
  }
  return operation;
}

async function runNode(run: Run, node: PlanNode, cursor: Cursor | undefined): Promise<void> {
  if (!cursor) return;
  switch (node.kind) {
    case "Sequence":
      for (const child of node.nodes) await runNode(run, child, cursor);
      return;
    case "Parallel":
      await Promise.all(node.nodes.map((child) => runNode(run, child, cursor)));
      return;
    case "Flatten":
      await runNode(run, node.node, moveInto(cursor, node.path));
      return;
    case "Fetch":
      try {
        await runFetch(run, node, cursor);
      } catch (error) {
        run.errors.push(error as GraphQLError);
      }
      return;
    case "Condition": {
      const branch = evaluateCondition(node, run.operation.variableDefinitions, run.requestContext.request.variables) ? node.ifClause : node.elseClause;
      if (branch) await runNode(run, branch, cursor);
      return;
    }
    case "Defer":
      assert(false, "@defer support is not available in the gateway");
  }
}

async function runFetch(run: Run, fetch: FetchNode, cursor: Cursor): Promise<void> {
  const service = run.serviceMap[fetch.serviceName];
  return tracer.startActiveSpan(OpenTelemetrySpanNames.FETCH, { attributes: { service: fetch.serviceName } }, async (span) => {
    try {
      if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
      const entities: Data[] = [];
      if (Array.isArray(cursor.data)) {
        for (const entity of cursor.data) if (entity !== null && entity !== undefined) entities.push(entity as Data);
      } else {
        entities.push(cursor.data as Data);
      }
      if (entities.length < 1) return;
      const variables: Record<string, unknown> = Object.create(null);
      const provided = run.requestContext.request.variables;
      for (const name of fetch.variableUsages ?? []) {
        if (provided && Object.prototype.hasOwnProperty.call(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
      }
      if (!fetch.requires) {
        const received = await send(run, fetch, cursor, variables);
        if (received) applyRewrites(run.supergraphSchema, fetch.outputRewrites, received);
        for (const entity of entities) deepMerge(entity, received);
        return;
      }
      const representations: Data[] = [];
      const owners: number[] = [];
      for (let index = 0; index < entities.length; index += 1) {
        const representation = select(run.supergraphSchema, entities[index], fetch.requires);
        if (representation && representation.__typename) {
          applyRewrites(run.supergraphSchema, fetch.inputRewrites, representation);
          representations.push(representation);
          owners.push(index);
        }
      }
      if (representations.length < 1) return;
      if ("representations" in variables) throw new Error(`Variables cannot contain key "representations"`);
      const received = await send(run, fetch, cursor, { ...variables, representations });
      if (!received) return;
      const all = received._entities;
      if (!Array.isArray(all)) throw new Error(`Expected "data._entities" in response to be an array`);
      if (all.length !== representations.length) throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
      // As Apollo's executor walks them (over the entities, not the representations; the two only differ when an entity had no __typename).
      for (let i = 0; i < entities.length; i += 1) {
        const got = all[i] as Data | null | undefined;
        const existing = entities[owners[i]];
        if (got && !got.__typename) got.__typename = existing.__typename;
        applyRewrites(run.supergraphSchema, fetch.outputRewrites, got as Data);
        deepMerge(existing, got);
      }
    } catch (err) {
      recordExceptions(span, [err as Error], run.telemetry);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** One fetch's request to its subgraph; its errors join the run's, with paths into the client's result. */
async function send(run: Run, fetch: FetchNode, cursor: Cursor, variables: Record<string, unknown>): Promise<Data | null | undefined> {
  const response = await run.serviceMap[fetch.serviceName].process({
    kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
    request: { query: fetch.operation, variables, operationName: fetch.operationName, http: undefined },
    incomingRequestContext: run.requestContext,
    context: run.requestContext.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: cursor.path,
  });
  if (response.errors) {
    const pathOf = errorPaths(fetch, cursor);
    for (const error of response.errors) run.errors.push(downstreamError(error, fetch.serviceName, pathOf));
    if (!response.extensions?.ftv1) {
      const metrics = run.requestContext.metrics as { nonFtv1ErrorPaths?: { subgraph: string; path: GraphQLFormattedError["path"] }[] };
      const paths = response.errors.map((error) => ({ subgraph: fetch.serviceName, path: error.path }));
      if (metrics.nonFtv1ErrorPaths) metrics.nonFtv1ErrorPaths.push(...paths);
      else metrics.nonFtv1ErrorPaths = paths;
    }
  }
  return response.data as Data | null | undefined;
}

/**
 * The representation of an entity for a fetch's `requires`: the required
 * fields as the entity has them (null when one is missing), with type
 * conditions applied to the entity's __typename.
 */
function select(schema: GraphQLSchema, source: unknown, selections: readonly QueryPlanSelectionNode[]): Data | null {
  if (source === null) return null;
  const from = source as Data;
  const result = new Output();
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) {
      const name = responseNameOf(selection);
      const value = from[name];
      if (value === undefined || !Object.prototype.hasOwnProperty.call(from, name)) return null;
      const inner = selection.selections;
      if (Array.isArray(value)) {
        const list = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i += 1) list[i] = inner ? select(schema, value[i], inner) : value[i];
        result[name] = list;
      } else {
        result[name] = inner ? select(schema, value, inner) : value;
      }
    } else if (selection.typeCondition && isObjectOfType(schema, from, selection.typeCondition)) {
      deepMerge(result, select(schema, from, selection.selections));
    }
  }
  return result;
}

/** The objects at `path` below the cursor, flattened across lists (`@`); undefined when there are none. */
function moveInto(cursor: Cursor, path: ResponsePath): Cursor | undefined {
  const data = flatten(cursor.data, path, 0);
  return data ? { path: cursor.path.concat(path), data, fullResult: cursor.fullResult } : undefined;
}

function flatten(value: unknown, path: ResponsePath, at: number): unknown {
  if (at === path.length || value === undefined || value === null) return value;
  const step = path[at];
  if (step === "@") {
    const out: unknown[] = [];
    for (const element of value as unknown[]) {
      const inner = flatten(element, path, at + 1);
      if (Array.isArray(inner)) for (const x of inner) out.push(x);
      else out.push(inner);
    }
    return out;
  }
  check(typeof step === "string", () => `Unexpected ${typeof step} found in path`);
  check(!Array.isArray(value), () => `Unexpected array in result for path element ${step}`);
  const object = value as Data;
  return flatten(Object.prototype.hasOwnProperty.call(object, step) ? object[step] : undefined, path, at + 1);
}

/** An introspection field asked beside data (`__schema`, `__type`), answered from the API schema. */
function introspect(schema: GraphQLSchema, selection: FieldNode, definitions: readonly VariableDefinitionNode[] | undefined, variableValues: Record<string, unknown> | undefined): unknown {
  const used = new Set<string>();
  visit(selection, { Variable: ({ name }) => void used.add(name.value) });
  const usedDefinitions = definitions?.filter((d) => used.has(d.variable.name.value));
  assert(used.size === (usedDefinitions?.length ?? 0), () => `Should have found all used variables ${[...used].join(",")} in definitions ${JSON.stringify(definitions)}`);
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [{ kind: Kind.OPERATION_DEFINITION, operation: OperationTypeNode.QUERY, variableDefinitions: usedDefinitions, selectionSet: { kind: Kind.SELECTION_SET, selections: [selection] } }],
  };
  const { data, errors } = executeSync({ schema, document, rootValue: {}, variableValues });
  assert(!errors || errors.length === 0, () => `Introspection query for ${JSON.stringify(selection)} should not have failed but got ${JSON.stringify(errors)}`);
  assert(data, () => `Introspection query for ${JSON.stringify(selection)} should not have failed`);
  const key = selection.alias?.value ?? selection.name.value;
  return Object.prototype.hasOwnProperty.call(data, key) ? data[key] : undefined;
}

/** Makes @apollo/gateway run query plans with `executeQueryPlan` above. Process-wide. */
export function installPlanExecutor(): void {
  swapIn("executeQueryPlan", executeQueryPlan, "GATEWAY_OWN_EXECUTOR");
}
