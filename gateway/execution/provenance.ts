import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext, UnitProvenance } from "../context";

export type { UnitProvenance } from "../context";

export const PROVENANCE_HEADER = "x-provenance";

/** Picks a subgraph's provenance out of its response extensions, if it sent one. */
export function provenanceOf(extensions: Record<string, unknown> | undefined): UnitProvenance | null {
  const p = extensions?.provenance as Partial<UnitProvenance> | undefined;
  return p && typeof p.unit === "string" && typeof p.readAt === "string" && typeof p.answeredAt === "string" ? (p as UnitProvenance) : null;
}

/**
 * `extensions.provenance` on every response: which units answered it and
 * when each read its silo, so a front end or an auditor can show "as of" and
 * see that no copy was involved. A unit fetched twice in one plan (say, once
 * for the customer, once for `@requires`) is reported once, with the span of
 * its reads and the number of fetches.
 */
export function provenancePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          const provenance = provenanceReport(contextValue.provenance);
          if (provenance) result.extensions = { ...result.extensions, provenance };
        },
      };
    },
  };
}

/** The order localeCompare() gives, from one collator made once rather than one per comparison. */
const byName = new Intl.Collator();

/** `extensions.provenance` of an answer, from what its fetches reported; undefined when none did. */
export function provenanceReport(reported: readonly UnitProvenance[]): { units: Array<UnitProvenance & { fetches: number }> } | undefined {
  if (reported.length === 0) return undefined;
  const byUnit = new Map<string, UnitProvenance & { fetches: number }>();
  for (const p of reported) {
    const seen = byUnit.get(p.unit);
    if (!seen) byUnit.set(p.unit, { ...p, fetches: 1 });
    else {
      seen.fetches += 1;
      if (p.readAt < seen.readAt) seen.readAt = p.readAt;
      if (p.answeredAt > seen.answeredAt) seen.answeredAt = p.answeredAt;
    }
  }
  const units = [...byUnit.values()];
  if (units.length > 1) units.sort((a, b) => byName.compare(a.unit, b.unit));
  return { units };
}
