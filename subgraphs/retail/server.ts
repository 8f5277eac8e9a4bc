import type { Knex } from "knex";
import { type Subgraph, createSilo, createSubgraph, prepareSilo } from "../../kit";
import { generateWorld } from "../../demo/world";
import type { RetailConfig } from "./config";
import type { RetailContext } from "./context";
import { createLoaders } from "./loaders";
import { LoyaltyRepository } from "./loyalty/loyalty.repository";
import { OrderRepository } from "./order/order.repository";
import { ProductRepository } from "./product/product.repository";
import { buildRetailSchema } from "./schema";
import { retailMigrations } from "./silo/migrations";
import { seedRetail } from "./silo/seed";

export interface RetailServer {
  subgraph: Subgraph<RetailContext>;
  db: Knex;
}

/** Builds retail over its silo: connect, migrate, seed an empty silo, build the schema. */
export async function createRetailServer(config: RetailConfig): Promise<RetailServer> {
  const db = createSilo(config.RETAIL_DB_URL, { poolMax: config.RETAIL_DB_POOL_MAX, statementTimeoutMs: config.RETAIL_DB_STATEMENT_TIMEOUT_MS });
  try {
    await prepareSilo(db, {
      migrations: retailMigrations,
      seedProbeTable: "rt_product",
      seed: config.RETAIL_SEED > 0 ? () => seedRetail(db, generateWorld(config.RETAIL_SEED)) : undefined,
    });
    const repos = { products: new ProductRepository(db), orders: new OrderRepository(db), loyalty: new LoyaltyRepository(db) };
    const subgraph = await createSubgraph<RetailContext>({
      name: "retail",
      schema: await buildRetailSchema(),
      db,
      context: (base) => ({ ...base, repos, loaders: createLoaders(repos) }),
    });
    return { subgraph, db };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
