import type { Knex } from "knex";
import { type Subgraph, createSilo, createSubgraph, prepareSilo } from "../../kit";
import { generateWorld } from "../../demo/world";
import type { BillingConfig } from "./config";
import type { BillingContext } from "./context";
import { AccountRepository } from "./customer/customer.repository";
import { InvoiceRepository } from "./invoice/invoice.repository";
import { createLoaders } from "./loaders";
import { buildBillingSchema } from "./schema";
import { billingMigrations } from "./silo/migrations";
import { seedBilling } from "./silo/seed";

export interface BillingServer {
  subgraph: Subgraph<BillingContext>;
  db: Knex;
}

/** Builds billing over its silo: connect, migrate, seed an empty silo, build the schema. */
export async function createBillingServer(config: BillingConfig): Promise<BillingServer> {
  const db = createSilo(config.BILLING_DB_URL, { poolMax: config.BILLING_DB_POOL_MAX, statementTimeoutMs: config.BILLING_DB_STATEMENT_TIMEOUT_MS });
  try {
    await prepareSilo(db, {
      migrations: billingMigrations,
      seedProbeTable: "acct_holder",
      seed: config.BILLING_SEED > 0 ? () => seedBilling(db, generateWorld(config.BILLING_SEED), config.BILLING_SILO_TIMEZONE) : undefined,
    });
    const repos = { accounts: new AccountRepository(db, config.BILLING_SILO_TIMEZONE), invoices: new InvoiceRepository(db, config.BILLING_SILO_TIMEZONE) };
    const subgraph = await createSubgraph<BillingContext>({
      name: "billing",
      schema: await buildBillingSchema(),
      db,
      context: (base) => ({ ...base, repos, loaders: createLoaders(repos) }),
    });
    return { subgraph, db };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
