import { createHash } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "../context";

/**
 * The HTTP face of each answer's cache policy (execution/cache-policy.ts,
 * handed over in Apollo's `overallCachePolicy`):
 *
 * - catalogue only: `public, max-age=N` and an `ETag`; a CDN serves it N s;
 * - anything priced: `public, no-cache` and an `ETag`; a cache may keep the
 *   body but asks every time, and a matching `If-None-Match` is a `304`, so
 *   a price is never older than the request, and a revalidation saves only
 *   the body;
 * - personal data, a request carrying a token, explain or cost
 *   (`x-explain`, `x-cost`: diagnostics of one run), a mutation, any error:
 *   `private, no-store`.
 *
 * `Vary` names what changes an answer for the same URL. The ETag is over the
 * data and errors only: `extensions` (provenance, explain, cost) change with every
 * run and do not make an answer different.
 */
export const VARY = "Accept, Authorization, X-Explain, X-Cost";
export const NO_STORE = "private, no-store";

export function cacheHeaders(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, overallCachePolicy, contextValue }) {
          const headers = response.http.headers;
          headers.set("vary", VARY);
          const body = response.body;
          const cacheable =
            body.kind === "single" &&
            !body.singleResult.errors?.length &&
            !request.http?.headers.get("authorization") &&
            !contextValue.explain &&
            !contextValue.wantCost &&
            overallCachePolicy.maxAge !== undefined &&
            overallCachePolicy.scope !== "PRIVATE";
          if (!cacheable || body.kind !== "single") {
            headers.set("cache-control", NO_STORE);
            return;
          }
          const maxAge = overallCachePolicy.maxAge ?? 0;
          headers.set("cache-control", maxAge > 0 ? `public, max-age=${maxAge}` : "public, no-cache");
          const tag = etagOf(body.singleResult.data, body.singleResult.errors);
          headers.set("etag", tag);
          if (matches(request.http?.headers.get("if-none-match"), tag)) response.http.status = 304;
        },
      };
    },
  };
}

/** A strong validator: the same data gives the same tag on every replica. */
export function etagOf(data: unknown, errors: unknown): string {
  return `"${createHash("sha256").update(JSON.stringify({ data, errors })).digest("base64url").slice(0, 32)}"`;
}

/** `If-None-Match` is a list of tags, or `*`; weak tags compare by value (RFC 9110 13.1.2). */
function matches(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const candidate = t.trim();
    return candidate === "*" || candidate.replace(/^W\//, "") === tag;
  });
}
