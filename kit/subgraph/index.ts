/**
 * The subgraph kit: a unit's runtime (type-graphql, knex, @apollo/subgraph,
 * dataloader, the silo and its outbox). A unit imports the kit through here
 * only; this re-exports the common kit (../index.ts) too. The gateway may not
 * import it (eslint.config.mjs).
 */
export * from "..";
export * from "./authorization";
export * from "./columns";
export * from "./db";
export * from "./define-unit";
export * from "./federation";
export * from "./graph";
export * from "./graph-client";
export * from "./loaders";
export * from "./money";
export * from "./partial-answer";
export * from "./silo-schema";
export * from "./sql";
export * from "./subgraph";
export * from "./subscriptions";
export * from "./touch-points";
export * from "./unit";
export * from "./events/outbox";
export * from "./events/relay";
