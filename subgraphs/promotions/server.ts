import type { Knex } from "knex";
import { type Subgraph, createSilo, createSubgraph, prepareSilo } from "../../kit";
import { generateWorld } from "../../demo/world";
import type { PromotionsConfig } from "./config";
import { ConsentRepository } from "./consent/consent.repository";
import type { PromotionsContext } from "./context";
import { createLoaders } from "./loaders";
import { OfferRepository } from "./offer/offer.repository";
import { RedemptionRepository } from "./redemption/redemption.repository";
import { buildPromotionsSchema } from "./schema";
import { promotionsMigrations } from "./silo/migrations";
import { seedPromotions } from "./silo/seed";

export interface PromotionsServer {
  subgraph: Subgraph<PromotionsContext>;
  db: Knex;
}

/** Builds promotions over its silo: connect, migrate, seed an empty silo, build the schema. */
export async function createPromotionsServer(config: PromotionsConfig, clock: () => number = Date.now): Promise<PromotionsServer> {
  const db = createSilo(config.PROMOTIONS_DB_URL, { poolMax: config.PROMOTIONS_DB_POOL_MAX, statementTimeoutMs: config.PROMOTIONS_DB_STATEMENT_TIMEOUT_MS });
  try {
    await prepareSilo(db, {
      migrations: promotionsMigrations,
      seedProbeTable: "promo_offer",
      seed: config.PROMOTIONS_SEED > 0 ? () => seedPromotions(db, generateWorld(config.PROMOTIONS_SEED)) : undefined,
    });
    const repos = { offers: new OfferRepository(db), redemptions: new RedemptionRepository(db), consent: new ConsentRepository(db) };
    const subgraph = await createSubgraph<PromotionsContext>({
      name: "promotions",
      schema: await buildPromotionsSchema(),
      db,
      context: (base) => ({ ...base, repos, loaders: createLoaders(repos), now: clock() }),
    });
    return { subgraph, db };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
