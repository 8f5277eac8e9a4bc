import { type Subgraph, bootSubgraph, unitRuntime } from "../../kit";
import type { Knex } from "knex";
import { generateWorld } from "../../demo/world";
import { LoyaltyRepository } from "./loyalty/loyalty.repository";
import { OrderRepository } from "./order/order.repository";
import { ProductRepository } from "./product/product.repository";
import type { RetailConfig } from "./config";
import type { RetailContext } from "./context";
import { createLoaders } from "./loaders";
import { buildRetailSchema } from "./schema";
import { retailMigrations } from "./silo/migrations";
import { retailOutbox } from "./silo/outbox";
import { seedRetail } from "./silo/seed";

export interface RetailServer {
  subgraph: Subgraph<RetailContext>;
  db: Knex;
}

/** Builds retail over its silo: connect, migrate, seed an empty silo, build the schema. */
export function createRetailServer(config: RetailConfig): Promise<RetailServer> {
  return bootSubgraph({
    name: "retail",
    runtime: unitRuntime(config, "RETAIL"),
    migrations: retailMigrations,
    seedProbeTable: "rt_product",
    // No write of the graph reaches retail yet; its outbox and relay are ready for the first one.
    outbox: retailOutbox,
    seed: (db, seed) => seedRetail(db, generateWorld(seed)),
    repositories: (db) => ({ products: new ProductRepository(db), orders: new OrderRepository(db), loyalty: new LoyaltyRepository(db) }),
    buildSchema: buildRetailSchema,
    context: (base, repos): RetailContext => ({ ...base, repos, loaders: createLoaders(repos) }),
  });
}
