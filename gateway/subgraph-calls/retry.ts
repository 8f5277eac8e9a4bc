import type { Wrapper } from "./call";
import { CallFailure } from "./failures";

export interface RetryPolicy {
  /** Retries of a failed query; mutations are never retried. */
  retries: number;
  /** Backoff before the first retry; doubles with each retry, with full jitter. */
  retryBaseMs: number;
}

/**
 * Sends a query again after a failure that says "try again" (a dropped
 * connection, 502/503/504), with jittered exponential backoff, as long as
 * the request's deadline leaves room for the wait. Only a call whose own
 * operation is a query: a mutation that failed in flight may have been
 * applied, so it is sent once, whatever happens. It sits inside breaker.ts,
 * so a call and its retries count once against the unit.
 */
export function retry(policy: RetryPolicy, random: () => number = Math.random): Wrapper {
  return (next) => async (call) => {
    if (call.operation !== "query" || policy.retries <= 0) return next(call);
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await next(call);
      } catch (err) {
        const delay = backoffMs(attempt, policy.retryBaseMs, random);
        if (!(err instanceof CallFailure) || !err.transient || attempt >= policy.retries || delay >= call.deadline - Date.now()) throw err;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
}

/** "Full jitter" backoff: a random wait up to base·2^attempt, so retries from many requests spread out. */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  return Math.round(random() * baseMs * 2 ** attempt);
}
