import { type ConfigOf, loadConfig, unitSettings } from "../../kit";

/** Care's settings: the ones every unit has. Defaults run the embedded SQLite silo under ./data. */
export const careSettings = unitSettings("CARE", "care", 4005);

export type CareConfig = ConfigOf<typeof careSettings>;

export function loadCareConfig(env: Record<string, string | undefined>): CareConfig {
  return loadConfig(careSettings, env);
}
