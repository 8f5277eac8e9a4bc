import { type ConfigOf, type Setting, graphUrlSetting, loadConfig, unitSettings } from "../../kit";

/** An IANA time zone, refused at start when the runtime does not know it. */
const timeZone = (doc: string, fallback: string): Setting<string> => ({
  doc,
  default: fallback,
  parse: (raw) => {
    try {
      return new Intl.DateTimeFormat("en", { timeZone: raw }).resolvedOptions().timeZone;
    } catch {
      throw new Error(`unknown time zone ${JSON.stringify(raw)}`);
    }
  },
});

/** Care's settings. Defaults run the embedded SQLite silo under ./data. */
export const careSettings = {
  ...unitSettings("CARE", "care", 4005),
  CARE_GRAPH_URL: graphUrlSetting("care"),
  CARE_TIME_ZONE: timeZone("The IANA zone care's silo records the local time of new contacts in (the desk's zone, beside each time).", "Europe/Berlin"),
};

export type CareConfig = ConfigOf<typeof careSettings>;

export function loadCareConfig(env: Record<string, string | undefined>): CareConfig {
  return loadConfig(careSettings, env);
}
