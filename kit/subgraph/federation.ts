import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { type GraphQLSchema, parse } from "graphql";
import { type BuildSchemaOptions, type PubSub, buildSchema, createResolversMap, getMetadataStorage } from "type-graphql";
import { enforceAccess } from "./authorization";
import { leanCallable, useLeanResolvers } from "./lean-resolvers";
import { CACHE_CONTROL_SPEC, cacheControlDirective } from "../cache-hints";
import { tracedResolver, tracingEnabled } from "../telemetry";

/**
 * Federation plumbing, written once for every unit: build the type-graphql
 * schema, print it with its directives (`@key`, `@requires`...), declare
 * Federation 2 (and the cache hints, kept in the supergraph by
 * `@composeDirective`), and let @apollo/subgraph add `_entities`/`_service` around
 * the same resolvers.
 */
const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@composeDirective", "@cost", "@listSize"])
  @link(url: "${CACHE_CONTROL_SPEC}", import: ["@cacheControl"])
  @composeDirective(name: "@cacheControl")`;

/**
 * type-graphql wants a PubSub as soon as a schema has a subscription. Ours
 * are fed by the event broker through `subscribe` functions (events/), never
 * by an in-process PubSub, which would reach only this process's subscribers.
 */
const NO_IN_PROCESS_PUBSUB: PubSub = {
  publish() {
    throw new Error("no in-process PubSub: subscriptions are fed by the event broker (kit/events)");
  },
  subscribe() {
    throw new Error("no in-process PubSub: give @Subscription a `subscribe` function fed by the event broker (kit/events)");
  },
};

export interface FederatedSchema {
  schema: GraphQLSchema;
  /** The subgraph's SDL, as composition and `schema/` see it. */
  sdl: string;
}

export type ReferenceResolvers = Record<string, { __resolveReference(reference: any, context: any, info: any): unknown }>;

/** What only tests choose: `typeGraphqlResolvers` keeps type-graphql's own resolvers (lean-resolvers.ts), to compare answers. */
export interface SchemaInjections {
  typeGraphqlResolvers?: boolean;
}

export async function buildFederatedSchema(options: Omit<BuildSchemaOptions, "skipCheck">, referenceResolvers: ReferenceResolvers = {}, injections: SchemaInjections = {}): Promise<FederatedSchema> {
  // skipCheck: a subgraph may contribute only entity fields and no Query.
  const local = await buildSchema({ pubSub: NO_IN_PROCESS_PUBSUB, ...options, directives: [...(options.directives ?? []), cacheControlDirective], skipCheck: true });
  const sdl = `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(local)}\n`;
  const resolvers = createResolversMap(local) as GraphQLResolverMap<unknown>;
  if (!injections.typeGraphqlResolvers && leanCallable(options) && Array.isArray(options.resolvers)) useLeanResolvers(local, resolvers, options.resolvers);
  enforceAccess(local, resolvers);
  // Without tracing, the resolvers stay as they are: not even a check per call.
  const coordinates = tracingEnabled() ? workingResolvers(options.resolvers) : [];
  for (const coordinate of coordinates) {
    const [typeName, field] = coordinate.split(".");
    const fields = resolvers[typeName] as Record<string, unknown> | undefined;
    if (typeof fields?.[field] === "function") fields[field] = tracedResolver(coordinate, fields[field] as (...args: unknown[]) => unknown);
  }
  for (const [typeName, reference] of Object.entries(referenceResolvers)) {
    const resolve = tracingEnabled() ? tracedResolver(`${typeName}.__resolveReference`, reference.__resolveReference, 2) : reference.__resolveReference;
    resolvers[typeName] = { ...(resolvers[typeName] as object), __resolveReference: resolve } as GraphQLResolverMap<unknown>[string];
  }
  const schema = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers });
  return { schema, sdl };
}

/**
 * The fields whose resolvers do work (`Query.customer`, `Customer.invoices`):
 * the unit's queries, mutations and `@FieldResolver`s, as type-graphql
 * recorded them. Plain fields (a property read) get no span of their own.
 */
function workingResolvers(resolverClasses: BuildSchemaOptions["resolvers"]): string[] {
  const classes = new Set<unknown>(resolverClasses);
  const storage = getMetadataStorage();
  const typeNames = new Map<unknown, string>(storage.objectTypes.map((t) => [t.target, t.name]));
  const coordinates = [...storage.queries.filter((q) => classes.has(q.target)).map((q) => `Query.${q.schemaName}`), ...storage.mutations.filter((m) => classes.has(m.target)).map((m) => `Mutation.${m.schemaName}`)];
  for (const f of storage.fieldResolvers) {
    const typeName = f.kind === "external" && classes.has(f.target) ? typeNames.get(f.getObjectType?.()) : undefined;
    if (typeName) coordinates.push(`${typeName}.${f.schemaName}`);
  }
  return coordinates;
}
