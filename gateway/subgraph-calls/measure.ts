import { injectTraceContext, tracingEnabled } from "../../kit/telemetry";
import { outcomeOfFailure, outcomeOfResponse, recordFetch } from "../operations/metrics";
import type { Wrapper } from "./call";

/**
 * What operators see of each fetch a query plan makes: its time and outcome
 * in the metrics and the request's log line (operations/metrics.ts), and the
 * trace context of the executor's fetch span carried to the unit. Outermost,
 * so it measures what the fetch cost the request, sharing, retries and the
 * breaker included. (A fetch whose request another fetch carried sent no
 * trace context of its own: share.ts marks its span.)
 */
export function measure(unit: string): Wrapper {
  return (next) => async (call) => {
    // Read now, while the fetch span is the active one; without tracing there is none to carry.
    const measured = tracingEnabled() ? { ...call, headers: withTraceContext(call.headers) } : call;
    const started = performance.now();
    try {
      const response = await next(measured);
      if (call.context) recordFetch(call.context, unit, performance.now() - started, outcomeOfResponse(response.errors));
      return response;
    } catch (err) {
      if (call.context) recordFetch(call.context, unit, performance.now() - started, outcomeOfFailure(err));
      throw err;
    }
  };
}

/** A copy of `headers` with the active trace context (`traceparent`) added. */
function withTraceContext(headers: Record<string, string>): Record<string, string> {
  const out = { ...headers };
  injectTraceContext({ set: (name, value) => (out[name] = value) });
  return out;
}
