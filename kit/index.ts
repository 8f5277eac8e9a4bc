/**
 * The common kit: what the gateway and every unit may use. Nothing here needs
 * type-graphql, knex, @apollo/subgraph, dataloader or a database driver; the
 * units' runtime is kit/subgraph/. eslint.config.mjs keeps it that way.
 */
export * from "./cache-hints";
export * from "./channel";
export * from "./config";
export * from "./demand";
export * from "./errors";
export * from "./http";
export * from "./identity";
export * from "./log";
export * from "./main";
export * from "./manifest";
export * from "./quote-key";
export * from "./remember";
export * from "./shared-settings";
export * from "./time";
export * from "./events";
