import type { ApolloServerPlugin, BaseContext } from "@apollo/server";

/**
 * Provenance, on request: which unit answered and when. Every silo read of
 * a fetch happened between `readAt` and `answeredAt` (nothing is cached, so
 * this is the "as of" of the data). Two timestamps, only when asked. Added
 * by the plugin below when Apollo Server answers, and by the lean path
 * (lean-path.ts) when it does, in the same words.
 */

/** The header a gateway sends to ask for provenance, and the extension that answers it. */
export const PROVENANCE_HEADER = "x-provenance";

export interface Provenance {
  unit: string;
  readAt: string;
  answeredAt: string;
}

/** A response's extensions with the provenance of an answer whose execution started at `readAt`, answered now. */
export function withProvenance(extensions: Record<string, unknown> | undefined, unit: string, readAt: string): Record<string, unknown> {
  const provenance: Provenance = { unit, readAt, answeredAt: new Date().toISOString() };
  return { ...extensions, provenance };
}

export function provenancePlugin(name: string): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart(rc) {
      if (rc.request.http?.headers.get(PROVENANCE_HEADER) !== "1") return;
      let readAt = "";
      return {
        async executionDidStart() {
          readAt = new Date().toISOString();
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== "single" || !readAt) return;
          const result = response.body.singleResult;
          result.extensions = withProvenance(result.extensions, name, readAt);
        },
      };
    },
  };
}
