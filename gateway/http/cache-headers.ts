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
 *   (`x-explain`, `x-cost`: diagnostics of one run), a mutation, any error, a
 *   unit's `set-cookie` let back by a header rule: `private, no-store`.
 *
 * `Vary` names what changes an answer for the same URL: the gateway's own
 * (`VARY`) and every client header the header rules send a unit by name
 * (subgraph-calls/header-rules.ts); `*` when a `matching` rule sends headers
 * no list can name, so no cache reuses an answer. The ETag is over the
 * data and errors only: `extensions` (provenance, explain, cost) change with every
 * run and do not make an answer different.
 */
export const VARY = "Accept, Authorization, X-Explain, X-Cost";
export const NO_STORE = "private, no-store";

export function cacheHeaders(propagated: readonly string[] | "*" = []): ApolloServerPlugin<GatewayContext> {
  const write = cacheHeadersWriter(propagated);
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, overallCachePolicy, contextValue }) {
          const body = response.body;
          const headers = request.http?.headers;
          write(response.http, body.kind === "single" ? body.singleResult : undefined, { authorization: headers?.get("authorization"), ifNoneMatch: headers?.get("if-none-match") }, overallCachePolicy, contextValue);
        },
      };
    },
  };
}

/** Where an answer's status and headers are set (Apollo's response head, or the fast path's: http/fast-path.ts). */
export interface AnswerHead {
  status?: number;
  headers: { set(name: string, value: string): unknown };
}

/**
 * The headers of one answer, written onto its head: `single` is the answer
 * when it is one result (absent for one sent in parts), `request` what the
 * client sent. Apollo's plugin above and the fast path both write with it.
 */
export type CacheHeadersWriter = (
  head: AnswerHead,
  single: { data?: unknown; errors?: readonly unknown[] } | undefined,
  request: { authorization?: string; ifNoneMatch?: string },
  policy: { maxAge?: number; scope?: string },
  context: GatewayContext,
) => void;

export function cacheHeadersWriter(propagated: readonly string[] | "*" = []): CacheHeadersWriter {
  const vary = propagated === "*" ? "*" : [VARY, ...propagated.map(titleCase)].join(", ");
  return (head, single, request, policy, context) => {
    const headers = head.headers;
    headers.set("vary", vary);
    const cacheable =
      single !== undefined &&
      !single.errors?.length &&
      !request.authorization &&
      !context.explain &&
      !context.wantCost &&
      // One caller's cookie must not be handed to the next by a CDN.
      !context.unitHeaders?.setsCookie() &&
      policy.maxAge !== undefined &&
      policy.scope !== "PRIVATE";
    if (!cacheable || single === undefined) {
      headers.set("cache-control", NO_STORE);
      return;
    }
    const maxAge = policy.maxAge ?? 0;
    headers.set("cache-control", maxAge > 0 ? `public, max-age=${maxAge}` : "public, no-cache");
    const tag = etagOf(single.data, single.errors);
    headers.set("etag", tag);
    if (matches(request.ifNoneMatch, tag)) head.status = 304;
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
