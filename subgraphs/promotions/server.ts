import type { Knex } from "knex";
import { type Subgraph, bootSubgraph, graphReader, unitRuntime } from "../../kit";
import { generateWorld } from "../../demo/world";
import type { PromotionsConfig } from "./config";
import { ConsentRepository } from "./consent/consent.repository";
import type { PromotionsContext } from "./context";
import { createLoaders } from "./loaders";
import { OfferRepository } from "./offer/offer.repository";
import { Redeemer } from "./redemption/redeem";
import { RedemptionRepository } from "./redemption/redemption.repository";
import { buildPromotionsSchema } from "./schema";
import { promotionsMigrations } from "./silo/migrations";
import { promotionsOutbox } from "./silo/outbox";
import { seedPromotions } from "./silo/seed";

export interface PromotionsServer {
  subgraph: Subgraph<PromotionsContext>;
  db: Knex;
}

/** Builds promotions over its silo. `clock` is injectable so tests can fix "now" for offer validity. */
export function createPromotionsServer(config: PromotionsConfig, clock: () => number = Date.now): Promise<PromotionsServer> {
  const graph = graphReader(config.PROMOTIONS_GRAPH_URL, config.PROMOTIONS_DB_STATEMENT_TIMEOUT_MS * 2);
  return bootSubgraph({
    name: "promotions",
    runtime: unitRuntime(config, "PROMOTIONS"),
    migrations: promotionsMigrations,
    seedProbeTable: "promo_offer",
    outbox: promotionsOutbox,
    seed: (db, seed) => seedPromotions(db, generateWorld(seed)),
    repositories: (db, { outbox, bus }) => {
      const offers = new OfferRepository(db);
      const redemptions = new RedemptionRepository(db, outbox);
      // Stateless, so built once at start-up rather than on every request.
      return { offers, redemptions, consent: new ConsentRepository(db, outbox), redeemer: new Redeemer(offers, redemptions, graph), bus };
    },
    buildSchema: buildPromotionsSchema,
    context: (base, { redeemer, bus, ...repos }): PromotionsContext => ({ ...base, repos, loaders: createLoaders(repos), now: clock(), graph, redeemer, bus }),
  });
}
