import type { executeQueryPlan } from "@apollo/gateway/dist/executeQueryPlan";
import type { computeResponse } from "@apollo/gateway/dist/resultShaping";

/*
 * The two places inside @apollo/gateway where the gateway puts code of its
 * own: Apollo's executor runs a plan through `executeQueryPlan` and shapes
 * the answer through `computeResponse`, each looked up on its module's
 * exports at every call, and offers no other hook. Both are read here, once.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const executorModule = require("@apollo/gateway/dist/executeQueryPlan") as { executeQueryPlan: typeof executeQueryPlan };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const shapingModule = require("@apollo/gateway/dist/resultShaping") as { computeResponse: typeof computeResponse };

/** Apollo's own, as loaded (before anything was swapped in). */
export const apollo = { executeQueryPlan: executorModule.executeQueryPlan, computeResponse: shapingModule.computeResponse };

/** The result shaping Apollo's executor and ours call: Apollo's, or ours once swapped in. */
export function installedComputeResponse(): typeof computeResponse {
  return shapingModule.computeResponse;
}

/**
 * Puts `ours` where @apollo/gateway looks `name` up. Process-wide and
 * idempotent; refuses, naming the setting that turns it off, when the pinned
 * @apollo/gateway no longer has the function there.
 */
export function swapIn<K extends keyof typeof apollo>(name: K, ours: unknown, setting: string): void {
  const module: Record<string, unknown> = name === "executeQueryPlan" ? executorModule : shapingModule;
  if (typeof apollo[name] !== "function") throw new Error(`@apollo/gateway has no ${name} where the gateway expects it: turn ${setting} off, or update gateway/apollo-internals.ts for this @apollo/gateway`);
  module[name] = ours;
}
