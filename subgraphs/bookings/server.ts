import type { Knex } from "knex";
import { type Subgraph, createSilo, createSubgraph, prepareSilo } from "../../kit";
import { generateWorld } from "../../demo/world";
import { BookingRepository } from "./booking/booking.repository";
import type { BookingsConfig } from "./config";
import type { BookingsContext } from "./context";
import { createLoaders } from "./loaders";
import { PreferenceRepository } from "./preference/preference.repository";
import { PropertyRepository } from "./property/property.repository";
import { buildBookingsSchema } from "./schema";
import { bookingsMigrations } from "./silo/migrations";
import { seedBookings } from "./silo/seed";

export interface BookingsServer {
  subgraph: Subgraph<BookingsContext>;
  db: Knex;
}

/** Builds bookings over its silo: connect, migrate, seed an empty silo, build the schema. */
export async function createBookingsServer(config: BookingsConfig): Promise<BookingsServer> {
  const db = createSilo(config.BOOKINGS_DB_URL, { poolMax: config.BOOKINGS_DB_POOL_MAX, statementTimeoutMs: config.BOOKINGS_DB_STATEMENT_TIMEOUT_MS });
  try {
    await prepareSilo(db, {
      migrations: bookingsMigrations,
      seedProbeTable: "guest_stay",
      seed: config.BOOKINGS_SEED > 0 ? () => seedBookings(db, generateWorld(config.BOOKINGS_SEED)) : undefined,
    });
    const repos = { bookings: new BookingRepository(db), properties: new PropertyRepository(db), preferences: new PreferenceRepository(db) };
    const subgraph = await createSubgraph<BookingsContext>({
      name: "bookings",
      schema: await buildBookingsSchema(),
      db,
      context: (base) => ({ ...base, repos, loaders: createLoaders(repos) }),
    });
    return { subgraph, db };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
