import { type ConfigOf, loadConfig, unitSettings } from "../../kit";

/** Promotions' settings: the ones every unit has. Defaults run the embedded SQLite silo under ./data. */
export const promotionsSettings = unitSettings("PROMOTIONS", "promotions", 4004);

export type PromotionsConfig = ConfigOf<typeof promotionsSettings>;

export function loadPromotionsConfig(env: Record<string, string | undefined>): PromotionsConfig {
  return loadConfig(promotionsSettings, env);
}
