import type { Operation } from "@apollo/federation-internals";
import { type DocumentNode, type FragmentDefinitionNode, Kind } from "graphql";
import type { PlanCost } from "./plan-cost";

/*
 * The gateway's own form of a query plan. Each planner (apollo-planner.ts,
 * hive-planner.ts) writes its plans in this form, so one executor
 * (execution/execute-plan.ts) runs them all and no planner's types reach
 * past planning/. The node kinds are federation's: a plan is a tree of
 * sequences, parallel branches, fetches, flattens into the result, and
 * conditions on variables (@skip/@include), plus @defer and subscriptions.
 */

export interface Plan {
  node: PlanNode | null;
  /** The planner that made it, for explain and metrics. */
  planner: string;
  /** Under GATEWAY_PLANNER=cheaper: what each planner's plan costs, and why this one was kept (choose-plan.ts). */
  choice?: PlanChoice;
}

export interface PlanChoice {
  costs: Record<string, PlanCost>;
  because: string;
}

export type PlanNode = FetchStep | BatchFetchStep | SequenceStep | ParallelStep | FlattenStep | ConditionStep | DeferStep | SubscriptionStep;

/**
 * One step of a path into the result: a response name, `@` for every
 * element of a list, or a type condition that keeps only the objects whose
 * `__typename` is one of the given types (or a subtype of one).
 */
export type PathStep = string | { readonly typeIn: readonly string[] };

/**
 * A selection a fetch requires of the entities it extends (their keys and
 * `@requires` fields): `name` is the field's name in the representation,
 * `readFrom` the response name it has in the result when that differs (a
 * planner that fetched a required field with other arguments than the
 * client's keeps it under an alias of its own).
 */
export type RequiredSelection =
  | { readonly kind: "Field"; readonly name: string; readonly readFrom?: string; readonly selections?: readonly RequiredSelection[] }
  | { readonly kind: "InlineFragment"; readonly typeCondition?: string; readonly selections: readonly RequiredSelection[] };

/** A change a fetch's representations (input) or answers (output) need, e.g. an interface object's `__typename`. */
export type Rewrite = { readonly kind: "ValueSetter"; readonly path: readonly PathStep[]; readonly setValueTo: unknown } | { readonly kind: "KeyRenamer"; readonly path: readonly PathStep[]; readonly renameKeyTo: string };

interface FetchCommon {
  /** The subgraph's name in the supergraph. */
  readonly unit: string;
  readonly operation: string;
  readonly operationName: string | undefined;
  readonly operationKind: "query" | "mutation" | "subscription";
  /** Client variables the fetch passes on. */
  readonly variableUsages: readonly string[];
  /** The operation parsed, once per plan (a data source may read it). */
  readonly document: DocumentNode;
}

/**
 * One request to one subgraph: root fields (no `requires`), or an entity
 * fetch whose representations are cut from the objects under the cursor.
 */
export interface FetchStep extends FetchCommon {
  readonly kind: "Fetch";
  readonly requires?: readonly RequiredSelection[];
  readonly inputRewrites?: readonly Rewrite[];
  readonly outputRewrites?: readonly Rewrite[];
}

/** Several entity fetches to one subgraph in one request, each an alias with its own representations. */
export interface BatchFetchStep extends FetchCommon {
  readonly kind: "BatchFetch";
  readonly batches: readonly EntityBatch[];
}

export interface EntityBatch {
  /** The response name of this batch's `_entities` field. */
  readonly alias: string;
  readonly representationsVariable: string;
  /** Where its entities are, from the root of the result. */
  readonly paths: readonly (readonly PathStep[])[];
  readonly requires: readonly RequiredSelection[];
  readonly inputRewrites?: readonly Rewrite[];
  readonly outputRewrites?: readonly Rewrite[];
}

export interface SequenceStep {
  readonly kind: "Sequence";
  readonly nodes: readonly PlanNode[];
}

export interface ParallelStep {
  readonly kind: "Parallel";
  readonly nodes: readonly PlanNode[];
}

/** Runs `node` on the objects found at `path` below the current cursor. */
export interface FlattenStep {
  readonly kind: "Flatten";
  readonly path: readonly PathStep[];
  readonly node: PlanNode;
}

/** `@skip`/`@include` on a variable: which branch runs depends on its value. */
export interface ConditionStep {
  readonly kind: "Condition";
  readonly variable: string;
  readonly ifClause?: PlanNode;
  readonly elseClause?: PlanNode;
}

/** `@defer`: the primary part first, then each deferred part (whose label and path say where it lands). */
export interface DeferStep {
  readonly kind: "Defer";
  readonly primary: PlanNode | undefined;
  readonly deferred: readonly { readonly label?: string; readonly path: readonly string[]; readonly node: PlanNode | undefined }[];
}

/** A subscription: the primary fetch opens the event stream, `rest` completes each event. */
export interface SubscriptionStep {
  readonly kind: "Subscription";
  readonly primary: FetchStep;
  readonly rest?: PlanNode;
}

/**
 * The planner seam: a supergraph in, a plan for an operation out. Every
 * planner writes the gateway's own plan form (plan.ts), so the executor
 * does not know which one planned.
 */
export interface Planner {
  /** Its value of GATEWAY_PLANNER. */
  readonly name: string;
  /**
   * The plan for one operation of a validated document. `source` is the
   * document's text (a planner may plan from text), `operation` the
   * document in the federation library's form, built once per document.
   */
  plan(request: PlanRequest): Plan;
}

export interface PlanRequest {
  document: DocumentNode;
  source: string;
  operationName: string | undefined;
  operation: Operation;
}

/*
 * The nodes both planners write in one shape (Apollo's and Hive's Condition
 * and Defer nodes have the same fields), mapped once for both adapters.
 */

export function conditionStep<N>(from: { condition: string; ifClause?: N; elseClause?: N }, node: (n: N) => PlanNode): ConditionStep {
  return { kind: "Condition", variable: from.condition, ifClause: from.ifClause && node(from.ifClause), elseClause: from.elseClause && node(from.elseClause) };
}

export function deferStep<N>(from: { primary: { node?: N }; deferred: readonly { label?: string; queryPath: string[]; node?: N }[] }, node: (n: N) => PlanNode): DeferStep {
  return {
    kind: "Defer",
    primary: from.primary.node && node(from.primary.node),
    deferred: from.deferred.map((d) => ({ label: d.label, path: d.queryPath, node: d.node && node(d.node) })),
  };
}

/** A fetch document's named fragments, by name (every reader of a fetch's selections needs them). */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return fragments;
}
