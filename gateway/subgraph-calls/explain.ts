import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { ExplainLog, ExplainedFetch } from "../execution/explain";
import { GraphQLError } from "graphql";
import type { Call, CallRequest, Wrapper } from "./call";

/**
 * Records each fetch of a request that asked for `x-explain` (and may see
 * it): its unit, how long it took, how many entities it carried, and
 * whether another fetch's request carried it (shared) or it went out merged
 * with others. Just above share.ts, which marks the call; requests that did
 * not ask pay one property read.
 */
export function explain(unit: string): Wrapper {
  return (next) => (call) => {
    const log = call.context?.explain;
    // Not an async function: a request that did not ask passes on the very promise below, with no extra one of its own.
    return log ? explained(unit, log, next, call) : next(call);
  };
}

async function explained(unit: string, log: ExplainLog, next: Call, call: CallRequest): Promise<GatewayGraphQLResponse> {
  const started = performance.now();
  const entry: ExplainedFetch = { unit, operationName: call.operationName ?? null, entities: entitiesIn(call.variables), ms: 0, shared: false, merged: false, outcome: "ok" };
  log.fetches.push(entry);
  try {
    const response = await next(call);
    if (response.errors?.length) entry.outcome = "errors";
    return response;
  } catch (err) {
    entry.outcome = err instanceof GraphQLError ? String(err.extensions.code ?? "FAILED") : "FAILED";
    throw err;
  } finally {
    entry.ms = Math.round((performance.now() - started) * 10) / 10;
    entry.shared = call.carried === true;
    entry.merged = call.merged === true;
  }
}

/** Representations sent: every list of entity representations (one per batch in a batched entity fetch, whatever its variable's name). */
function entitiesIn(variables: Record<string, unknown>): number {
  let count = 0;
  for (const value of Object.values(variables)) {
    if (Array.isArray(value) && value.length > 0 && typeof (value[0] as { __typename?: unknown })?.__typename === "string") count += value.length;
  }
  return count;
}
