import { type PlanNode as HiveNode, QueryPlanner, type RequiresSelection } from "@graphql-hive/router-query-planner";
import { Kind, parse, print } from "graphql";
import { type FetchStep, type PathStep, type PlanNode, type Planner, type RequiredSelection, type Rewrite, conditionStep, deferStep } from "./plan";

/*
 * Hive Router's query planner (@graphql-hive/router-query-planner, MIT, a
 * prebuilt native addon), its plans written in the gateway's form. Hive's
 * path steps are objects (`{ Field }`, `{ TypeCondition }`, `{ Key }`,
 * `{ TypenameEquals }`) or "@"; it may batch several entity fetches to one
 * subgraph into one request (BatchFetch), with paths from the root.
 */

type HiveFetch = Extract<HiveNode, { kind: "Fetch" }>;
type HiveRewrite = NonNullable<HiveFetch["inputRewrites"]>[number];
type HiveSegment = "@" | { Field?: string; TypeCondition?: string[]; Key?: string; TypenameEquals?: string[] };

export function createHivePlanner(sdl: string): Planner {
  const planner = new QueryPlanner(sdl);
  const noLabels = new Set<string>();
  return {
    name: "hive",
    plan: ({ document, operationName, operation }) => {
      // The planner reads text; the validated document printed is what was validated.
      const plan = planner.plan(print(document), operationName ?? null, noLabels, 0);
      return { planner: "hive", node: plan.node ? named(node(plan.node), operation.name) : null };
    },
  };
}

/**
 * Hive's fetches are anonymous; each is named after the client's operation
 * as Apollo's planner names them (`Client__unit__n`), so a unit's logs and
 * metrics say which client operation a request served.
 */
function named(root: PlanNode, clientName: string | undefined): PlanNode {
  if (!clientName) return root;
  let count = 0;
  const visit = (at: PlanNode): PlanNode => {
    switch (at.kind) {
      case "Fetch":
      case "BatchFetch": {
        const name = `${clientName}__${at.unit}__${count++}`;
        const operation = at.operation.replace(/^\s*(query|mutation|subscription)\b\s*/, `$1 ${name}`);
        return operation === at.operation ? at : { ...at, operation, operationName: name, document: parse(operation) };
      }
      case "Sequence":
      case "Parallel":
        return { ...at, nodes: at.nodes.map(visit) };
      case "Flatten":
        return { ...at, node: visit(at.node) };
      case "Condition":
        return { ...at, ifClause: at.ifClause && visit(at.ifClause), elseClause: at.elseClause && visit(at.elseClause) };
      case "Defer":
        return { ...at, primary: at.primary && visit(at.primary), deferred: at.deferred.map((d) => ({ ...d, node: d.node && visit(d.node) })) };
      case "Subscription":
        return { ...at, primary: visit(at.primary) as typeof at.primary, rest: at.rest && visit(at.rest) };
    }
  };
  return visit(root);
}

function node(from: HiveNode): PlanNode {
  switch (from.kind) {
    case "Fetch":
      return fetch(from);
    case "BatchFetch":
      return {
        kind: "BatchFetch",
        ...common(from),
        batches: from.entityBatch.aliases.map((alias) => ({
          alias: alias.alias,
          representationsVariable: alias.representationsVariableName,
          paths: alias.paths.map((path) => path.map(segment)),
          requires: alias.requires.map(selection),
          inputRewrites: alias.inputRewrites?.map(rewrite),
          outputRewrites: alias.outputRewrites?.map(rewrite),
        })),
      };
    case "Sequence": {
      // Hive writes a subscription as a Sequence opening with the Subscription node; the steps after it complete each event.
      const [first, ...rest] = from.nodes;
      if (first?.kind === "Subscription") return { kind: "Subscription", primary: fetch(first.primary), rest: rest.length === 0 ? undefined : rest.length === 1 ? node(rest[0]) : { kind: "Sequence", nodes: rest.map(node) } };
      return { kind: from.kind, nodes: from.nodes.map(node) };
    }
    case "Parallel":
      return { kind: from.kind, nodes: from.nodes.map(node) };
    case "Flatten":
      return { kind: "Flatten", path: from.path.map(segment), node: node(from.node) };
    case "Condition":
      return conditionStep(from, node);
    case "Defer":
      return deferStep(from, node);
    case "Subscription":
      return { kind: "Subscription", primary: fetch(from.primary) };
  }
}

function common(from: { serviceName: string; operation: string; operationName?: string; operationKind?: string; variableUsages?: string[] }) {
  return {
    unit: from.serviceName,
    operation: from.operation,
    operationName: from.operationName,
    operationKind: (from.operationKind ?? "query") as FetchStep["operationKind"],
    variableUsages: from.variableUsages ?? [],
    document: parse(from.operation),
  };
}

function fetch(from: HiveFetch): FetchStep {
  return {
    kind: "Fetch",
    ...common(from),
    requires: from.requires?.map(selection),
    inputRewrites: from.inputRewrites?.map(rewrite),
    outputRewrites: from.outputRewrites?.map(rewrite),
  };
}

function selection(from: RequiresSelection): RequiredSelection {
  switch (from.kind) {
    case "Field":
      // Hive's `name` is where the value is in the result (e.g. `_internal_qp_alias_0`), its alias the field the subgraph expects.
      return { kind: Kind.FIELD, name: from.alias ?? from.name, readFrom: from.alias ? from.name : undefined, selections: from.selections?.map(selection) };
    case "InlineFragment":
      return { kind: Kind.INLINE_FRAGMENT, typeCondition: from.typeCondition, selections: from.selections.map(selection) };
    default:
      // Hive's planner writes requirements inline; a named fragment here is a plan this gateway cannot run.
      throw new Error(`the Hive planner required a fragment spread (${from.value}) the executor does not expand`);
  }
}

function rewrite(from: HiveRewrite): Rewrite {
  if ("KeyRenamer" in from && from.KeyRenamer) return { kind: "KeyRenamer", path: from.KeyRenamer.path.map(segment), renameKeyTo: from.KeyRenamer.renameKeyTo };
  const setter = "ValueSetter" in from && from.ValueSetter ? from.ValueSetter : (from as { path: HiveSegment[]; setValueTo: string });
  return { kind: "ValueSetter", path: setter.path.map(segment), setValueTo: setter.setValueTo };
}

function segment(from: HiveSegment | PathStep): PathStep {
  if (from === "@") return "@";
  if (typeof from === "string") return from;
  if ("typeIn" in from) return from as PathStep;
  const hive = from as Exclude<HiveSegment, "@">;
  if (hive.Field !== undefined) return hive.Field;
  if (hive.Key !== undefined) return hive.Key;
  if (hive.TypeCondition) return { typeIn: hive.TypeCondition };
  if (hive.TypenameEquals) return { typeIn: hive.TypenameEquals };
  throw new Error(`a path step the executor does not know: ${JSON.stringify(from)}`);
}
