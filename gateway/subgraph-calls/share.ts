import type { Wrapper } from "./call";
import { type Ask, type SharingOptions, UnitCalls } from "./calls";

/**
 * Query fetches of one caller to the unit share requests (calls.ts: batched
 * per tick, merged by coalesce.ts, identical ones joined in flight). Below
 * this wrapper a call is one request on the wire, standing for one or more
 * fetches, so the breaker, retries and timeouts count and bound requests,
 * not fetches. Mutations and the gateway's own calls pass alone.
 */
export function share(options: SharingOptions): Wrapper {
  return (next) => {
    // One set of pending and in-flight requests per chain, i.e. per unit and URL.
    const calls = new UnitCalls(options, next);
    return (call) => (call.context && call.operation === "query" ? calls.submit(call as Ask) : next(call));
  };
}
