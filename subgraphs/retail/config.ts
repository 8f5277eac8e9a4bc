import { type ConfigOf, loadConfig, unitSettings } from "../../kit";

/** Retail' settings: the ones every unit has. Defaults run the embedded SQLite silo under ./data. */
export const retailSettings = unitSettings("RETAIL", "retail", 4003);

export type RetailConfig = ConfigOf<typeof retailSettings>;

export function loadRetailConfig(env: Record<string, string | undefined>): RetailConfig {
  return loadConfig(retailSettings, env);
}
