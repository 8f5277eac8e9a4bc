import { type ConfigOf, integer, loadConfig, text } from "../../kit";

/** Bookings' settings. Defaults run the embedded SQLite silo under ./data. */
export const bookingsSettings = {
  BOOKINGS_PORT: integer("Port the bookings subgraph listens on.", 4001, 0, 65535),
  BOOKINGS_HOST: text("Interface the bookings subgraph binds to.", "127.0.0.1"),
  BOOKINGS_DB_URL: text("Bookings silo: postgres://…, mysql://… or a SQLite file path.", "sqlite:./data/bookings.sqlite"),
  BOOKINGS_DB_POOL_MAX: integer("Most connections to the bookings silo.", 10, 1, 500),
  BOOKINGS_DB_STATEMENT_TIMEOUT_MS: integer("Longest a silo statement may run.", 5000, 100),
  BOOKINGS_SEED: integer("Demo seed written into an empty silo; 0 leaves an empty silo empty.", 42, 0),
};

export type BookingsConfig = ConfigOf<typeof bookingsSettings>;

export function loadBookingsConfig(env: Record<string, string | undefined>): BookingsConfig {
  // No cross-key checks yet: every hotel carries its own time zone in the silo.
  return loadConfig(bookingsSettings, env);
}
