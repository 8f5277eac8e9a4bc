import { PROVENANCE_HEADER, provenanceOf } from "../execution/provenance";
import type { Wrapper } from "./call";

/**
 * Asks the unit to say when it read its silo (when the client request wants
 * `extensions.provenance`) and keeps what it says on the client request, for
 * the response (execution/provenance.ts). It sits above share.ts, so it sees
 * each fetch; fetches answered by one request get the same provenance object,
 * which a client request keeps once: one entry per request the unit answered.
 */
export function provenance(): Wrapper {
  return (next) => async (call) => {
    const context = call.context;
    if (!context?.wantProvenance) return next(call);
    const response = await next({ ...call, headers: { ...call.headers, [PROVENANCE_HEADER]: "1" } });
    const said = provenanceOf(response.extensions);
    if (said && !context.provenance.includes(said)) context.provenance.push(said);
    return response;
  };
}
