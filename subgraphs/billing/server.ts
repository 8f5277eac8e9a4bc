import type { Knex } from "knex";
import { type Subgraph, bootSubgraph, unitRuntime } from "../../kit";
import { generateWorld } from "../../demo/world";
import type { BillingConfig } from "./config";
import type { BillingContext } from "./context";
import { AccountRepository } from "./customer/customer.repository";
import { InvoiceRepository } from "./invoice/invoice.repository";
import { createLoaders } from "./loaders";
import { buildBillingSchema } from "./schema";
import { billingMigrations } from "./silo/migrations";
import { billingOutbox } from "./silo/outbox";
import { seedBilling } from "./silo/seed";

export interface BillingServer {
  subgraph: Subgraph<BillingContext>;
  db: Knex;
}

/** Builds billing over its silo: connect, migrate, seed an empty silo, build the schema. */
export function createBillingServer(config: BillingConfig): Promise<BillingServer> {
  const timeZone = config.BILLING_SILO_TIMEZONE;
  return bootSubgraph({
    name: "billing",
    runtime: unitRuntime(config, "BILLING"),
    migrations: billingMigrations,
    seedProbeTable: "acct_holder",
    // No write of the graph reaches billing yet; its outbox and relay are ready for the first one.
    outbox: billingOutbox(timeZone),
    seed: (db, seed) => seedBilling(db, generateWorld(seed), timeZone),
    repositories: (db) => ({ accounts: new AccountRepository(db, timeZone), invoices: new InvoiceRepository(db, timeZone) }),
    buildSchema: buildBillingSchema,
    context: (base, repos): BillingContext => ({ ...base, repos, loaders: createLoaders(repos) }),
  });
}
