import { byKey, listByKey, perArguments } from "../../kit";
import type { BookingListArgs, BookingRepository } from "./booking/booking.repository";
import type { PreferenceRepository } from "./preference/preference.repository";
import type { PropertyRepository } from "./property/property.repository";

export interface BookingsRepositories {
  bookings: BookingRepository;
  properties: PropertyRepository;
  preferences: PreferenceRepository;
}

/** Bookings' loaders, made fresh for every request. */
export function createLoaders(repos: BookingsRepositories) {
  return {
    booking: byKey((ids: readonly string[]) => repos.bookings.byIds(ids)),
    bookingsOf: perArguments((args: BookingListArgs) => listByKey((ids: readonly string[]) => repos.bookings.byCustomers(ids, args))),
    completedStays: byKey((ids: readonly string[]) => repos.bookings.completedCounts(ids)),
    preferencesOf: listByKey((ids: readonly string[]) => repos.preferences.byCustomers(ids)),
    property: byKey((codes: readonly string[]) => repos.properties.byCodes(codes)),
  };
}

export type BookingsLoaders = ReturnType<typeof createLoaders>;
