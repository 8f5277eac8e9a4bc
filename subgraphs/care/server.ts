import type { Knex } from "knex";
import { type Subgraph, bootSubgraph, unitRuntime } from "../../kit";
import { generateWorld } from "../../demo/world";
import type { CareConfig } from "./config";
import type { CareContext } from "./context";
import { CustomerRepository } from "./customer/customer.repository";
import { createLoaders } from "./loaders";
import { buildCareSchema } from "./schema";
import { careMigrations } from "./silo/migrations";
import { seedCare } from "./silo/seed";

export interface CareServer {
  subgraph: Subgraph<CareContext>;
  db: Knex;
}

/** Builds care over its silo: connect, migrate, seed an empty silo, build the schema. */
export function createCareServer(config: CareConfig): Promise<CareServer> {
  return bootSubgraph({
    name: "care",
    runtime: unitRuntime(config, "CARE"),
    migrations: careMigrations,
    seedProbeTable: "care_customer",
    seed: (db, seed) => seedCare(db, generateWorld(seed)),
    repositories: (db) => ({ customers: new CustomerRepository(db) }),
    buildSchema: buildCareSchema,
    context: (base, repos): CareContext => ({ ...base, loaders: createLoaders(repos) }),
  });
}
