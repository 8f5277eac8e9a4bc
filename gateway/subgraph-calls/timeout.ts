import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { Wrapper } from "./call";
import { timedOut } from "./failures";

/**
 * Two bounds on waiting for a unit, at two places in the chain (chain.ts):
 *
 * - `timeout`, around each attempt (inside retry.ts): the unit's own timeout
 *   or what is left of the request's deadline, whichever is shorter; the
 *   exchange is aborted, so its connection is freed rather than left waiting.
 * - `deadline`, around each fetch of a query plan (outside share.ts): a fetch
 *   whose request another fetch carries, or that joined one in flight, still
 *   fails at its own request's deadline, as it would have alone.
 */
export function timeout(unit: string, timeoutMs: number): Wrapper {
  return (next) => (call) => {
    const budget = Math.min(timeoutMs, call.deadline - Date.now());
    if (budget <= 0) return Promise.reject(timedOut(unit, 0, true));
    const controller = new AbortController();
    // The abort frees our own transport at once; a user's data source that ignores it is raced instead.
    return race(next({ ...call, signal: controller.signal }), budget, () => {
      controller.abort();
      return timedOut(unit, budget, budget < timeoutMs);
    });
  };
}

export function deadline(unit: string): Wrapper {
  return (next) => (call) => {
    const left = call.deadline - Date.now();
    if (left <= 0) return Promise.reject(timedOut(unit, 0, true));
    // Past what a timer can hold (it would fire at once): no deadline to keep.
    if (!(left <= MAX_TIMER_MS)) return next(call);
    return race(next(call), left, () => timedOut(unit, 0, true));
  };
}

/** The longest delay setTimeout keeps (2^31 - 1 ms); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `answer`, unless `ms` pass first: then the failure `late()` makes. */
function race(answer: Promise<GatewayGraphQLResponse>, ms: number, late: () => Error): Promise<GatewayGraphQLResponse> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(late()), ms);
    answer.then(
      (response) => {
        clearTimeout(timer);
        resolve(response);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
