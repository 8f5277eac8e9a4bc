import type { Knex } from "knex";
import { type GraphReader, type Subgraph, bootSubgraph, graphReader, unitRuntime } from "../../kit";
import { generateWorld } from "../../demo/world";
import type { CareConfig } from "./config";
import type { CareContext } from "./context";
import { CaseRepository } from "./case/case.repository";
import { CaseWriter } from "./contact/case-writer";
import { createLoaders } from "./loaders";
import { buildCareSchema } from "./schema";
import { careMigrations, careOutbox } from "./silo/migrations";
import { seedCare } from "./silo/seed";

export interface CareServer {
  subgraph: Subgraph<CareContext>;
  db: Knex;
}

/**
 * Builds care over its silo: connect, migrate, seed an empty silo, build the
 * schema. `graph` is injectable so a test over care alone can answer which
 * customers exist.
 */
export function createCareServer(config: CareConfig, graph: GraphReader = graphReader(config.CARE_GRAPH_URL, config.CARE_DB_STATEMENT_TIMEOUT_MS * 2)): Promise<CareServer> {
  return bootSubgraph({
    name: "care",
    runtime: unitRuntime(config, "CARE"),
    migrations: careMigrations,
    seedProbeTable: "crm_case",
    outbox: careOutbox,
    seed: (db, seed) => seedCare(db, generateWorld(seed)),
    repositories: (db, { outbox }) => ({ cases: new CaseRepository(db), writer: new CaseWriter(db, outbox) }),
    buildSchema: buildCareSchema,
    context: (base, repos): CareContext => ({ ...base, repos, loaders: createLoaders(repos), graph, timeZone: config.CARE_TIME_ZONE }),
  });
}
