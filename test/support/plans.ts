import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Supergraph, operationFromDocument } from "@apollo/federation-internals";
import { parse } from "graphql";
import type { FetchStep, PlanRequest, RequiredSelection } from "../../gateway/planning/plan";

/** The graph's own supergraph, as `npm run schema` writes it. */
export const GRAPH_SUPERGRAPH = readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8");

/** What a planner is asked for one query on `supergraph`, as the gateway asks it. */
export function planRequest(supergraph: Supergraph, query: string): PlanRequest {
  const document = parse(query);
  return { document, source: query, operationName: undefined, operation: operationFromDocument(supergraph.apiSchema(), document, { validate: false }) };
}

/** A fetch step written by hand, for a plan a test builds itself. */
export function fetchStep(unit: string, operation: string, requires?: readonly RequiredSelection[], operationKind: FetchStep["operationKind"] = "query"): FetchStep {
  return { kind: "Fetch", unit, operation, operationName: undefined, operationKind, variableUsages: [], document: parse(operation), requires };
}
