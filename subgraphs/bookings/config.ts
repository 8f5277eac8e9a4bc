import { type ConfigOf, graphUrlSetting, loadConfig, unitSettings } from "../../kit";

/** Bookings' settings: the ones every unit has. Defaults run the embedded SQLite silo under ./data. */
export const bookingsSettings = {
  ...unitSettings("BOOKINGS", "bookings", 4001),
  BOOKINGS_GRAPH_URL: graphUrlSetting("bookings"),
};

export type BookingsConfig = ConfigOf<typeof bookingsSettings>;

export function loadBookingsConfig(env: Record<string, string | undefined>): BookingsConfig {
  return loadConfig(bookingsSettings, env);
}
