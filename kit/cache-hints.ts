import { DirectiveLocation, GraphQLBoolean, GraphQLDirective, GraphQLEnumType, GraphQLInt } from "graphql";

/**
 * Cache hints a unit declares on its types and fields, in Apollo's
 * `@cacheControl(maxAge, scope, inheritMaxAge)` shape, composed into the
 * supergraph (`@composeDirective`) so the gateway can work out each
 * response's HTTP cache policy from the fields it answered
 * (gateway/execution/cache-policy.ts). What the hints mean here:
 *
 * - `maxAge > 0, PUBLIC`: catalogue data with no price, offer or customer;
 *   a shared cache may keep it that many seconds.
 * - `maxAge 0, PUBLIC`: public but must be fresh (prices, offers, quotes): a
 *   shared cache may hold it only to revalidate it (`no-cache` + `ETag`).
 * - `PRIVATE`: personal; never stored (`private, no-store`).
 * - `inheritMaxAge`: a small value type (Money) takes the hint of the field
 *   that returns it.
 *
 * A type or field with no hint that returns an object is PRIVATE: a unit
 * must say what may be cached, never the other way round.
 */
export const CACHE_CONTROL_SPEC = "https://customer-graph.dev/cache-control/v1.0";

export const CacheControlScope = new GraphQLEnumType({
  name: "CacheControlScope",
  description: "Who may keep an answer: PUBLIC (any cache, a CDN included) or PRIVATE (no shared cache). Declared by every unit for its cache hints.",
  values: { PUBLIC: {}, PRIVATE: {} },
});

export const cacheControlDirective = new GraphQLDirective({
  name: "cacheControl",
  description: "How long, and by whom, a field's value may be cached; composed into the supergraph for the gateway's HTTP cache policy.",
  locations: [DirectiveLocation.FIELD_DEFINITION, DirectiveLocation.OBJECT, DirectiveLocation.INTERFACE, DirectiveLocation.UNION],
  args: { maxAge: { type: GraphQLInt }, scope: { type: CacheControlScope }, inheritMaxAge: { type: GraphQLBoolean } },
});

/** Catalogue data without a price or offer: public, kept by a CDN for a minute. */
export const CATALOGUE = "@cacheControl(maxAge: 60, scope: PUBLIC)";
/** Prices, offers, quotes: public, but revalidated with the gateway on every request. */
export const REVALIDATE = "@cacheControl(maxAge: 0, scope: PUBLIC)";
/** Anything about one customer: never stored by a shared cache. */
export const PERSONAL = "@cacheControl(maxAge: 0, scope: PRIVATE)";
/** A value type (Money) that is as cacheable as the field returning it. */
export const INHERIT = "@cacheControl(inheritMaxAge: true)";
