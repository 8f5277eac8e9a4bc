import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { type GraphQLSchema, parse } from "graphql";
import { type BuildSchemaOptions, buildSchema, createResolversMap } from "type-graphql";
import { authChecker } from "./authorization";

/**
 * Federation plumbing, written once for every unit: build the type-graphql
 * schema, print it with its directives (`@key`, `@requires`...), declare
 * Federation 2, and let @apollo/subgraph add `_entities`/`_service` around
 * the same resolvers.
 */
const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible"])`;

export interface FederatedSchema {
  schema: GraphQLSchema;
  /** The subgraph's SDL, as composition and `schema/` see it. */
  sdl: string;
}

export type ReferenceResolvers = Record<string, { __resolveReference(reference: any, context: any, info: any): unknown }>;

export async function buildFederatedSchema(
  options: Omit<BuildSchemaOptions, "skipCheck">,
  referenceResolvers: ReferenceResolvers = {},
): Promise<FederatedSchema> {
  // skipCheck: a subgraph may contribute only entity fields and no Query.
  const local = await buildSchema({ authChecker, ...options, skipCheck: true });
  const sdl = `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(local)}\n`;
  const resolvers = createResolversMap(local) as GraphQLResolverMap<unknown>;
  for (const [typeName, reference] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...reference } as GraphQLResolverMap<unknown>[string];
  }
  const schema = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers });
  return { schema, sdl };
}
