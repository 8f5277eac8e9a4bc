// In this order: type-graphql prints types in the order their modules load, and schema/bookings.graphql keeps it.
import { PreferenceResolver } from "./preference/preference.resolver";
import { type ContextOf, byKey, defineUnit, listByKey, perArguments } from "../../kit/subgraph";
import { BookingResolver, resolveBookingReference } from "./booking/booking.resolver";
import { CustomerResolver } from "./customer/customer.resolver";
import { Customer, customerRef } from "./customer/customer.type";
import { Booking } from "./booking/booking.type";
import { generateWorld } from "../../demo/world";
import { type BookingListArgs, BookingRepository } from "./booking/booking.repository";
import { PreferenceRepository } from "./preference/preference.repository";
import { PropertyRepository } from "./property/property.repository";
import { bookingsMigrations } from "./silo/migrations";
import { bookingsOutbox } from "./silo/outbox";
import { seedBookings } from "./silo/seed";

/** Bookings: hotel stays, properties and stay preferences. Defaults run the embedded SQLite silo under ./data. */
export const unit = defineUnit({
  name: "bookings",
  port: 4001,
  // Checks that a customer exists before writing for them.
  readsGraph: true,
  silo: { migrations: bookingsMigrations, outbox: bookingsOutbox, seedProbeTable: "guest_stay", seed: (db, seed) => seedBookings(db, generateWorld(seed)) },
  schema: {
    // Bookings has no Query of its own: type-graphql emits only types reachable
    // from a root, so the entities it extends are named here.
    resolvers: [BookingResolver, CustomerResolver, PreferenceResolver],
    orphanedTypes: [Customer, Booking],
    references: {
      // Any id is a customer here: one with no stays has empty lists and
      // stayCount 0. Billing decides whether the customer exists.
      Customer: { __resolveReference: (ref: { id: string }) => customerRef(ref.id) },
      Booking: { __resolveReference: resolveBookingReference },
    },
  },
  repositories: ({ db, outbox }) => ({ bookings: new BookingRepository(db), properties: new PropertyRepository(db), preferences: new PreferenceRepository(db, outbox) }),
  loaders: (repos) => ({
    booking: byKey((ids: readonly string[]) => repos.bookings.byIds(ids)),
    bookingsOf: perArguments((args: BookingListArgs) => listByKey((ids: readonly string[]) => repos.bookings.byCustomers(ids, args))),
    completedStays: byKey((ids: readonly string[]) => repos.bookings.completedCounts(ids)),
    preferencesOf: listByKey((ids: readonly string[]) => repos.preferences.byCustomers(ids)),
    property: byKey((codes: readonly string[]) => repos.properties.byCodes(codes)),
  }),
});

/** A request's context in bookings, as the kit builds it from the declaration above. */
export type BookingsContext = ContextOf<typeof unit>;
