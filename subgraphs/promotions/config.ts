import { type ConfigOf, integer, loadConfig, text } from "../../kit";

/** Promotions' settings. Defaults run the embedded SQLite silo under ./data. */
export const promotionsSettings = {
  PROMOTIONS_PORT: integer("Port the promotions subgraph listens on.", 4004, 0, 65535),
  PROMOTIONS_HOST: text("Interface the promotions subgraph binds to.", "127.0.0.1"),
  PROMOTIONS_DB_URL: text("Promotions silo: postgres://…, mysql://… or a SQLite file path.", "sqlite:./data/promotions.sqlite"),
  PROMOTIONS_DB_POOL_MAX: integer("Most connections to the promotions silo.", 10, 1, 500),
  PROMOTIONS_DB_STATEMENT_TIMEOUT_MS: integer("Longest a silo statement may run.", 5000, 100),
  PROMOTIONS_SEED: integer("Demo seed written into an empty silo; 0 leaves an empty silo empty.", 42, 0),
};

export type PromotionsConfig = ConfigOf<typeof promotionsSettings>;

export function loadPromotionsConfig(env: Record<string, string | undefined>): PromotionsConfig {
  return loadConfig(promotionsSettings, env);
}
