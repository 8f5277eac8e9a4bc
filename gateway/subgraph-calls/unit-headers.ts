import type { Wrapper } from "./call";
import type { HeaderRules } from "./header-rules";

/**
 * Keeps, per fetch, the response headers of the unit that the header rules
 * let back to the client (header-rules.ts), on the client request, for its
 * answer (http/unit-headers.ts). Above share.ts, so it sees each fetch: a
 * fetch answered by another's request gets that request's headers, which
 * share.ts only allows between requests of one caller with the same
 * propagated headers. Its place in the order conflicts are settled in is
 * taken as the fetch starts, so the plan's order decides, not the network's.
 */
export function unitHeaders(unit: string, rules: HeaderRules): Wrapper {
  return (next) => async (call) => {
    const kept = call.context?.unitHeaders;
    if (!kept) return next(call);
    const order = kept.start();
    const response = await next(call);
    const headers = response.http?.headers;
    if (headers) kept.add(order, rules.fromUnit(unit, headers));
    return response;
  };
}
