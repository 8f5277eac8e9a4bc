import type { Knex } from "knex";
import { type Subgraph, bootSubgraph, graphReader, unitRuntime } from "../../kit";
import { generateWorld } from "../../demo/world";
import { BookingRepository } from "./booking/booking.repository";
import { PreferenceRepository } from "./preference/preference.repository";
import { PropertyRepository } from "./property/property.repository";
import type { BookingsConfig } from "./config";
import type { BookingsContext } from "./context";
import { createLoaders } from "./loaders";
import { buildBookingsSchema } from "./schema";
import { bookingsMigrations } from "./silo/migrations";
import { bookingsOutbox } from "./silo/outbox";
import { seedBookings } from "./silo/seed";

export interface BookingsServer {
  subgraph: Subgraph<BookingsContext>;
  db: Knex;
}

/** Builds bookings over its silo: connect, migrate, seed an empty silo, build the schema. */
export function createBookingsServer(config: BookingsConfig): Promise<BookingsServer> {
  const graph = graphReader(config.BOOKINGS_GRAPH_URL, config.BOOKINGS_DB_STATEMENT_TIMEOUT_MS * 2);
  return bootSubgraph({
    name: "bookings",
    runtime: unitRuntime(config, "BOOKINGS"),
    migrations: bookingsMigrations,
    seedProbeTable: "guest_stay",
    outbox: bookingsOutbox,
    seed: (db, seed) => seedBookings(db, generateWorld(seed)),
    repositories: (db, { outbox }) => ({ bookings: new BookingRepository(db), properties: new PropertyRepository(db), preferences: new PreferenceRepository(db, outbox) }),
    buildSchema: buildBookingsSchema,
    context: (base, repos): BookingsContext => ({ ...base, repos, loaders: createLoaders(repos), graph }),
  });
}
