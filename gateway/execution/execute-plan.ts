import type { Operation } from "@apollo/federation-internals";
import type { GraphQLDataSource } from "@apollo/gateway";
import type { GatewayGraphQLRequestContext } from "@apollo/server-gateway-interface";
import { type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import { type FieldNode, GraphQLError, type GraphQLSchema, Kind, type SelectionSetNode } from "graphql";
import type { BatchFetchStep, EntityBatch, FetchStep, PathStep, Plan, PlanNode, RequiredSelection } from "../planning/plan";
import type { EntityKeys, FieldUnits } from "../planning/supergraph";
import type { ExplainLog } from "./explain";
import { downstreamError, errorPaths } from "./fetch-errors";
import { applyRewrites, deepMerge, isOfAnyType, isOfType, setOwn } from "./rewrites";
import { INCOMING_OPERATION } from "./request-kinds";
import { rootFallbacks } from "./root-fallback";
import { Output, defaultedVariables } from "./shaping";
import { tracingEnabled } from "../../kit/telemetry";

/**
 * The gateway's executor: runs a plan in the gateway's form (from either
 * planner) against the subgraphs' data sources and leaves the merged, not
 * yet shaped, result in `run.data`. Fetches in a Parallel run together;
 * a Flatten moves the cursor to the objects at its path; an entity fetch
 * sends the representations its `requires` cut from those objects and
 * merges the answers back into them, in order.
 *
 * One rule beyond federation's minimum: when a fetch fails, the fields it
 * would have supplied are set to null on the objects it was asked about, so
 * a later fetch that `@requires` them still runs and learns that the unit
 * was unavailable (a unit fails alone: its fields, and what is computed
 * from them, and nothing else). The client sees null for those fields
 * either way. And when a query's root fetch fails, the root fields another
 * unit answers too are asked of that unit (root-fallback.ts), so the plan
 * goes on from the keys it gives.
 */

type Data = Record<string, unknown>;

export interface Run {
  plan: Plan;
  services: Readonly<Record<string, GraphQLDataSource>>;
  requestContext: GatewayGraphQLRequestContext;
  /** The supergraph as a GraphQL schema: type conditions are checked against it. */
  supergraphSchema: GraphQLSchema;
  /** Each entity's key fields per subgraph: no representation goes out without one key whole. */
  keys: EntityKeys;
  /** The units that resolve each field, for a failed root fetch's fallback. */
  fieldUnits: FieldUnits;
  operation: Operation;
  /** The client's variables with the operation's defaults, for conditions. */
  variables: Record<string, unknown>;
  data: Data;
  errors: GraphQLError[];
  /**
   * Set when the client takes incremental delivery: a Defer node then runs
   * its primary part only and hands each deferred part over as it starts
   * (its errors are its own), instead of waiting for them.
   */
  onDeferred?: (part: DeferredPart) => void;
}

/** One deferred part under way: where it lands and, once its fetches are done, its errors. */
export interface DeferredPart {
  label: string | undefined;
  /** Response names from the root to the object the fragment is on. */
  path: readonly string[];
  done: Promise<GraphQLError[]>;
}

const tracer = trace.getTracer("customer-graph-gateway");
const hasOwn = Object.prototype.hasOwnProperty;

export function newRun(fields: Omit<Run, "data" | "errors" | "variables" | "onDeferred">): Run {
  const provided = fields.requestContext.request.variables ?? {};
  return { ...fields, variables: { ...defaultedVariables(fields.operation), ...provided }, data: new Output(), errors: [] };
}

/** Runs the whole plan; errors of fetches are collected in `run.errors`, never thrown. */
export async function runPlan(run: Run): Promise<void> {
  if (run.plan.node) await runNode(run, run.plan.node, { path: [], data: run.data });
}

/**
 * Runs the rest of a subscription's plan on one event: the event (the
 * owning unit's answer to the primary fetch) is the result so far.
 */
export async function runOnEvent(run: Run, rest: PlanNode | undefined, event: Data): Promise<void> {
  deepMerge(run.data, event);
  if (rest) await runNode(run, rest, { path: [], data: run.data });
}

interface Cursor {
  path: readonly PathStep[];
  /** The object, or the objects (flattened across lists), this part of the plan works on. */
  data: unknown;
}

async function runNode(run: Run, node: PlanNode, cursor: Cursor): Promise<void> {
  switch (node.kind) {
    case "Sequence":
      for (const child of node.nodes) await runNode(run, child, cursor);
      return;
    case "Parallel":
      await Promise.all(node.nodes.map((child) => runNode(run, child, cursor)));
      return;
    case "Flatten": {
      const data = flatten(run, cursor.data, node.path, 0);
      if (data !== undefined && data !== null) await runNode(run, node.node, { path: cursor.path.concat(node.path), data });
      return;
    }
    case "Fetch":
      await traced(node.unit, () => runFetch(run, node, cursor));
      return;
    case "BatchFetch":
      await traced(node.unit, () => runBatchFetch(run, node));
      return;
    case "Condition": {
      const branch = run.variables[node.variable] === true ? node.ifClause : node.elseClause;
      if (branch) await runNode(run, branch, cursor);
      return;
    }
    case "Defer":
      if (node.primary) await runNode(run, node.primary, cursor);
      if (run.onDeferred) {
        for (const part of node.deferred) {
          // Each part collects its own errors: they travel with its incremental payload.
          const own: Run = { ...run, errors: [] };
          const done = part.node ? runNode(own, part.node, cursor).then(() => own.errors) : Promise.resolve([]);
          run.onDeferred({ label: part.label, path: part.path, done });
        }
        return;
      }
      // Without incremental delivery the deferred parts complete the one answer.
      await Promise.all(node.deferred.map((part) => (part.node ? runNode(run, part.node, cursor) : undefined)));
      return;
    case "Subscription":
      throw new GraphQLError("a subscription cannot be executed as a query", { extensions: { code: "BAD_REQUEST" } });
  }
}

/** A fetch in its own span when tracing is on (the no-op tracer would still make one to throw away). */
function traced(unit: string, work: () => Promise<void>): Promise<void> {
  if (!tracingEnabled()) return work();
  return tracer.startActiveSpan("gateway.fetch", { attributes: { service: unit } }, async (span: Span) => {
    try {
      await work();
    } finally {
      span.end();
    }
  });
}

async function runFetch(run: Run, fetch: FetchStep, cursor: Cursor): Promise<void> {
  const entities = objectsOf(cursor.data);
  if (entities.length === 0) return;
  const variables = passedVariables(run, fetch);
  if (!fetch.requires) {
    const pathOf = errorPaths(run.supergraphSchema, new Map(), cursor.path);
    const received = await send(run, fetch, variables, pathOf);
    if (received) {
      applyRewrites(run.supergraphSchema, fetch.outputRewrites, received);
      for (const entity of entities) deepMerge(entity, received);
    } else if (fetch.operationKind === "query") {
      await fallBack(run, fetch, entities, pathOf);
    }
    return;
  }
  const { representations, owners } = representationsOf(run, fetch.unit, entities, fetch.requires, fetch.inputRewrites);
  if (representations.length === 0) return;
  if ("representations" in variables) throw new Error(`Variables cannot contain key "representations"`);
  variables.representations = representations;
  const pathOf = errorPaths(run.supergraphSchema, new Map([["_entities", { base: cursor.path, root: run.data }]]), cursor.path);
  const received = await send(run, fetch, variables, pathOf);
  const complete = received ? mergeEntities(run, received._entities, representations.length, entities, owners, fetch.outputRewrites) : false;
  if (!complete)
    fillFailed(
      run,
      fetch,
      "_entities",
      owners.map((i) => entities[i]),
    );
}

/**
 * A failed root fetch's fields that another unit answers, asked of it
 * (root-fallback.ts says which and why); of what it answers, the fields
 * only the failed fetch would have supplied are null, as after a failed
 * entity fetch, and the failed fetch's error stands for them.
 */
async function fallBack(run: Run, failed: FetchStep, entities: Data[], pathOf: ReturnType<typeof errorPaths>): Promise<void> {
  const fallbacks = rootFallbacks(failed, run.supergraphSchema, run.fieldUnits);
  if (fallbacks.length === 0) return;
  const context = run.requestContext.context as { deadline?: number; explain?: ExplainLog | null } | undefined;
  // A fetch that failed at the request's deadline leaves no time for another: asking would only blame a second unit.
  if (context?.deadline !== undefined && Date.now() >= context.deadline) return;
  await Promise.all(
    fallbacks.map(({ step, fields }) =>
      traced(step.unit, async () => {
        const received = await send(run, step, passedVariables(run, step), pathOf);
        context?.explain?.fallbacks.push({ failed: failed.unit, askedInstead: step.unit, fields: [...fields], operationName: step.operationName ?? null, answered: received !== null });
        if (!received) return;
        for (const entity of entities) {
          deepMerge(entity, received);
          for (const field of fields) fillFailed(run, failed, field, objectsOf(entity[field]));
        }
      }),
    ),
  );
}

async function runBatchFetch(run: Run, fetch: BatchFetchStep): Promise<void> {
  const variables = passedVariables(run, fetch);
  const parts: { batch: EntityBatch; entities: Data[]; owners: number[]; count: number }[] = [];
  for (const batch of fetch.batches) {
    const entities: Data[] = [];
    for (const path of batch.paths) entities.push(...objectsOf(flatten(run, run.data, path, 0)));
    const { representations, owners } = representationsOf(run, fetch.unit, entities, batch.requires, batch.inputRewrites);
    variables[batch.representationsVariable] = representations;
    if (representations.length > 0) parts.push({ batch, entities, owners, count: representations.length });
  }
  if (parts.length === 0) return;
  // Several paths of one batch: errors map to entities through the first (as the planner orders them).
  const pathOf = errorPaths(run.supergraphSchema, new Map(parts.map((p) => [p.batch.alias, { base: p.batch.paths[0] ?? [], root: run.data }])), []);
  const received = await send(run, fetch, variables, pathOf);
  for (const part of parts) {
    const complete = received ? mergeEntities(run, received[part.batch.alias], part.count, part.entities, part.owners, part.batch.outputRewrites) : false;
    if (!complete)
      fillFailed(
        run,
        fetch,
        part.batch.alias,
        part.owners.map((i) => part.entities[i]),
      );
  }
}

/** Merges `_entities` answers into the entities they were asked for; false when the answer was not all there. */
function mergeEntities(run: Run, answers: unknown, expected: number, entities: Data[], owners: number[], rewrites: FetchStep["outputRewrites"]): boolean {
  if (!Array.isArray(answers)) {
    run.errors.push(new GraphQLError(`Expected "data._entities" in response to be an array`));
    return false;
  }
  if (answers.length !== expected) {
    run.errors.push(new GraphQLError(`Expected "data._entities" to contain ${expected} elements`));
    return false;
  }
  let complete = true;
  for (let i = 0; i < answers.length; i += 1) {
    const got = answers[i] as Data | null;
    const existing = entities[owners[i]];
    if (!got) {
      complete = false;
      continue;
    }
    if (!got.__typename) got.__typename = existing.__typename;
    applyRewrites(run.supergraphSchema, rewrites, got);
    deepMerge(existing, got);
  }
  return complete;
}

/** One request to a subgraph; its errors join the run's with paths into the client's result. */
async function send(run: Run, fetch: FetchStep | BatchFetchStep, variables: Data, pathOf: ReturnType<typeof errorPaths>): Promise<Data | null> {
  const service = run.services[fetch.unit];
  try {
    if (!service) throw new Error(`Couldn't find service with name "${fetch.unit}"`);
    const response = await service.process({
      kind: INCOMING_OPERATION,
      request: { query: fetch.operation, variables, operationName: fetch.operationName, http: undefined },
      incomingRequestContext: run.requestContext,
      context: run.requestContext.context,
      document: fetch.document,
      pathInIncomingRequest: [],
    });
    if (response.errors) for (const error of response.errors) run.errors.push(downstreamError(error, fetch.unit, pathOf));
    return (response.data as Data | null | undefined) ?? null;
  } catch (error) {
    const span = trace.getActiveSpan();
    span?.recordException(error as Error);
    span?.setStatus({ code: SpanStatusCode.ERROR });
    run.errors.push(error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error }));
    return null;
  }
}

function passedVariables(run: Run, fetch: FetchStep | BatchFetchStep): Data {
  const variables: Data = {};
  const provided = run.requestContext.request.variables;
  if (!provided) return variables;
  for (const name of fetch.variableUsages) if (hasOwn.call(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
  return variables;
}

function objectsOf(data: unknown): Data[] {
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) return [data as Data];
  const out: Data[] = [];
  for (const entity of data) if (entity !== null && entity !== undefined) out.push(entity as Data);
  return out;
}

function representationsOf(run: Run, unit: string, entities: Data[], requires: readonly RequiredSelection[], rewrites: FetchStep["inputRewrites"]): { representations: Data[]; owners: number[] } {
  const representations: Data[] = [];
  const owners: number[] = [];
  const schema = run.supergraphSchema;
  const keysOf = run.keys;
  let keys: readonly (readonly string[])[] | undefined;
  let keysFor: unknown;
  for (let index = 0; index < entities.length; index += 1) {
    const entity = entities[index];
    if (entity === null) continue;
    const representation = new Output();
    selectInto(schema, entity, requires, representation);
    const typename = representation.__typename;
    if (typeof typename !== "string") continue;
    // Entities under one cursor are mostly of one type: its keys are looked up again only when the type changes.
    if (typename !== keysFor) {
      keys = keysOf.get(typename)?.get(unit);
      keysFor = typename;
    }
    if (keys && keys.length > 0 && !hasKey(keys, representation)) continue;
    applyRewrites(schema, rewrites, representation);
    representations.push(representation);
    owners.push(index);
  }
  return { representations, owners };
}

/**
 * Whether a representation carries one of its type's keys for the unit
 * whole (no field of it null or missing): a null key stops the chain there,
 * as a null entity does. A type the supergraph gives no key for the unit
 * (an interface object's implementations, say) is let through.
 */
function hasKey(keys: readonly (readonly string[])[], representation: Data): boolean {
  for (const fields of keys) {
    let whole = true;
    for (const field of fields) {
      const value = representation[field];
      if (value === null || value === undefined) {
        whole = false;
        break;
      }
    }
    if (whole) return true;
  }
  return false;
}

/**
 * The representation of an entity: the required fields as it has them,
 * written into `result` (a fragment's fields go straight into the object
 * they belong to, merged only where a field is already there). A field the
 * entity lacks is left out (a planner may fetch a requirement only under a
 * condition the client's variables turned off); `hasKey` decides whether
 * what is left can be sent.
 */
function selectInto(schema: GraphQLSchema, from: Data, selections: readonly RequiredSelection[], result: Data): void {
  for (const selection of selections) {
    if (selection.kind === "Field") {
      const name = selection.name;
      const key = selection.readFrom ?? name;
      const value = from[key];
      if (value === undefined || !hasOwn.call(from, key)) continue;
      const inner = selection.selections;
      const selected = inner ? selectValue(schema, value, inner) : value;
      if (result[name] === undefined) setOwn(result, name, selected);
      else deepMerge(result, { [name]: selected });
    } else if (!selection.typeCondition || isOfType(schema, from, selection.typeCondition)) {
      selectInto(schema, from, selection.selections, result);
    }
  }
}

/** A required object field's value, or each element of a list of them (one level deep, as Apollo's executor reads it). */
function selectValue(schema: GraphQLSchema, value: unknown, selections: readonly RequiredSelection[]): unknown {
  return Array.isArray(value) ? value.map((v) => selectObject(schema, v, selections)) : selectObject(schema, value, selections);
}

function selectObject(schema: GraphQLSchema, value: unknown, selections: readonly RequiredSelection[]): Data | null {
  if (value === null) return null;
  const result = new Output();
  selectInto(schema, value as Data, selections, result);
  return result;
}

/** The objects at `path` below `value`, flattened across lists; type conditions filter them. */
function flatten(run: Run, value: unknown, path: readonly PathStep[], at: number): unknown {
  if (at === path.length || value === undefined || value === null) return value;
  const step = path[at];
  if (step === "@" || (Array.isArray(value) && typeof step !== "string")) {
    if (!Array.isArray(value)) return undefined;
    const out: unknown[] = [];
    for (const element of value) {
      const inner = flatten(run, element, path, step === "@" ? at + 1 : at);
      if (Array.isArray(inner)) for (const x of inner) out.push(x);
      else if (inner !== undefined) out.push(inner);
    }
    return out;
  }
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${String(step)}`);
  if (typeof step !== "string") return isOfAnyType(run.supergraphSchema, value as Data, step.typeIn) ? flatten(run, value, path, at + 1) : undefined;
  const object = value as Data;
  return flatten(run, hasOwn.call(object, step) ? object[step] : undefined, path, at + 1);
}

/** The fields an entity fetch supplies, per type condition, read once per plan step. */
const supplied = new WeakMap<object, Map<string, Map<string | undefined, string[]>>>();

function fillFailed(run: Run, fetch: FetchStep | BatchFetchStep, alias: string, entities: Data[]): void {
  let byAlias = supplied.get(fetch);
  if (!byAlias) {
    byAlias = new Map();
    supplied.set(fetch, byAlias);
  }
  let byType = byAlias.get(alias);
  if (!byType) {
    byType = suppliedFields(fetch, alias);
    byAlias.set(alias, byType);
  }
  for (const entity of entities) {
    for (const [type, names] of byType) {
      if (type !== undefined && !isOfType(run.supergraphSchema, entity, type)) continue;
      for (const name of names) if (entity[name] === undefined) setOwn(entity, name, null);
    }
  }
}

function suppliedFields(fetch: FetchStep | BatchFetchStep, alias: string): Map<string | undefined, string[]> {
  const result = new Map<string | undefined, string[]>();
  const definition = fetch.document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!definition || definition.kind !== Kind.OPERATION_DEFINITION) return result;
  const entities = definition.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === alias);
  const collect = (set: SelectionSetNode | undefined, type: string | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.alias?.value ?? selection.name.value;
        if (name !== "__typename") result.set(type, [...(result.get(type) ?? []), name]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet, selection.typeCondition?.name.value ?? type);
      }
    }
  };
  collect(entities?.selectionSet, undefined);
  return result;
}
