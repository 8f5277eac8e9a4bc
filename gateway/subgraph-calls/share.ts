import type { Wrapper } from "./call";
import { type Ask, type SharingOptions, UnitCalls } from "./calls";
import { annotateActiveSpan, tracingEnabled } from "../../kit/telemetry";

/**
 * Query fetches of one caller to the unit share requests (calls.ts: batched
 * per tick, merged by coalesce.ts, identical ones joined in flight). Below
 * this wrapper a call is one request on the wire, standing for one or more
 * fetches, so the breaker, retries and timeouts count and bound requests,
 * not fetches. Mutations and the gateway's own calls pass alone. A fetch
 * that went out in a request another fetch led sent no trace context of its
 * own: its span is marked `customer_graph.fetch.shared`, and the unit's span
 * is under the leading fetch's. (Marked here, where `carried` is set on the
 * very call: the wrappers above pass copies of it on.)
 */
export function share(options: SharingOptions): Wrapper {
  return (next) => {
    // One set of pending and in-flight requests per chain, i.e. per unit and URL.
    const calls = new UnitCalls(options, next);
    return (call) => {
      if (!call.context || call.operation !== "query") return next(call);
      const answer = calls.submit(call as Ask);
      if (!tracingEnabled()) return answer;
      return answer.then((response) => {
        if (call.carried) annotateActiveSpan({ "customer_graph.fetch.shared": true });
        return response;
      });
    };
  };
}
