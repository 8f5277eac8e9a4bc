import type { Supergraph } from "@apollo/federation-internals";
import { type FetchDataRewrite, type FetchNode, type PlanNode as ApolloNode, QueryPlanner, type QueryPlanSelectionNode, type SubscriptionNode } from "@apollo/query-planner";
import { Kind, parse } from "graphql";
import { type FetchStep, type PathStep, type PlanNode, type Planner, type RequiredSelection, type Rewrite, conditionStep, deferStep } from "./plan";

/*
 * Apollo's query planner (@apollo/query-planner, Elastic License 2.0), through
 * its public API only, its plans written in the gateway's form. Apollo's
 * path steps are strings; a type condition is written `... on T`.
 */

const TYPE_CONDITION = "... on ";

export function createApolloPlanner(supergraph: Supergraph): Planner {
  const planner = new QueryPlanner(supergraph, { incrementalDelivery: { enableDefer: true } });
  return {
    name: "apollo",
    plan: ({ operation }) => {
      const plan = planner.buildQueryPlan(operation);
      return { planner: "apollo", node: plan.node ? node(plan.node) : null };
    },
  };
}

function node(from: ApolloNode | SubscriptionNode): PlanNode {
  switch (from.kind) {
    case "Fetch":
      return fetch(from);
    case "Sequence":
    case "Parallel":
      return { kind: from.kind, nodes: from.nodes.map(node) };
    case "Flatten":
      return { kind: "Flatten", path: from.path.map((step) => pathStep(step as string | number)), node: node(from.node) };
    case "Condition":
      return conditionStep(from, node);
    case "Defer":
      return deferStep(from, node);
    case "Subscription":
      return { kind: "Subscription", primary: fetch(from.primary), rest: from.rest && node(from.rest) };
  }
}

function fetch(from: FetchNode): FetchStep {
  return {
    kind: "Fetch",
    unit: from.serviceName,
    operation: from.operation,
    operationName: from.operationName,
    operationKind: from.operationKind as FetchStep["operationKind"],
    variableUsages: from.variableUsages ?? [],
    document: from.operationDocumentNode ?? parse(from.operation),
    requires: from.requires?.map(selection),
    inputRewrites: from.inputRewrites?.map(rewrite),
    outputRewrites: from.outputRewrites?.map(rewrite),
  };
}

function selection(from: QueryPlanSelectionNode): RequiredSelection {
  // Apollo reads and writes a required field under its response name.
  if (from.kind === Kind.FIELD) return { kind: "Field", name: from.alias ?? from.name, selections: from.selections?.map(selection) };
  return { kind: "InlineFragment", typeCondition: from.typeCondition, selections: from.selections.map(selection) };
}

function rewrite(from: FetchDataRewrite): Rewrite {
  const path = from.path.map(pathStep);
  return from.kind === "ValueSetter" ? { kind: "ValueSetter", path, setValueTo: from.setValueTo } : { kind: "KeyRenamer", path, renameKeyTo: from.renameKeyTo };
}

function pathStep(step: string | number): PathStep {
  const text = String(step);
  return text.startsWith(TYPE_CONDITION) ? { typeIn: [text.slice(TYPE_CONDITION.length)] } : text;
}
