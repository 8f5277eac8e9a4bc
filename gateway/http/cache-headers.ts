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
 * - personal data, a request carrying a token, explain, a mutation, any
 *   error, a unit's `set-cookie` let back by a header rule: `private, no-store`.
 *
 * `Vary` names what changes an answer for the same URL: the gateway's own
 * (`VARY`) and every client header the header rules send a unit by name
 * (subgraph-calls/header-rules.ts); `*` when a `matching` rule sends headers
 * no list can name, so no cache reuses an answer. The ETag is over the
 * data and errors only: `extensions` (provenance, explain) change with every
 * run and do not make an answer different.
 */
export const VARY = "Accept, Authorization, X-Explain";
export const NO_STORE = "private, no-store";

export function cacheHeaders(propagated: readonly string[] | "*" = []): ApolloServerPlugin<GatewayContext> {
  const vary = propagated === "*" ? "*" : [VARY, ...propagated.map(titleCase)].join(", ");
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, overallCachePolicy, contextValue }) {
          const headers = response.http.headers;
          headers.set("vary", vary);
          const body = response.body;
          const cacheable =
            body.kind === "single" &&
            !body.singleResult.errors?.length &&
            !request.http?.headers.get("authorization") &&
            !contextValue.explain &&
            // One caller's cookie must not be handed to the next by a CDN.
            !contextValue.unitHeaders?.setsCookie() &&
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

/** `accept-language` as `Accept-Language`, the way the gateway's own names are written. */
function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
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
