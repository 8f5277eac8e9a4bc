import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";

/*
 * The kinds of request a data source is asked to process. @apollo/gateway
 * declares them as an enum its package index exports only as a type, so
 * its values are written here: they are the data-source contract's strings
 * (a RemoteGraphQLDataSource compares against them), pinned by
 * request-kinds.test.ts.
 */
type Kind = GraphQLDataSourceProcessOptions["kind"];

export const INCOMING_OPERATION = "incoming operation" as Extract<Kind, "incoming operation">;
export const HEALTH_CHECK = "health check" as Extract<Kind, "health check">;
export const LOADING_SCHEMA = "loading schema" as Extract<Kind, "loading schema">;
