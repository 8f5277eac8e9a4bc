import { type ConfigOf, graphUrlSetting, loadConfig, unitSettings } from "../../kit";

/** Promotions' settings: the ones every unit has. Defaults run the embedded SQLite silo under ./data. */
export const promotionsSettings = {
  ...unitSettings("PROMOTIONS", "promotions", 4004),
  PROMOTIONS_GRAPH_URL: graphUrlSetting("promotions"),
};

export type PromotionsConfig = ConfigOf<typeof promotionsSettings>;

export function loadPromotionsConfig(env: Record<string, string | undefined>): PromotionsConfig {
  return loadConfig(promotionsSettings, env);
}
