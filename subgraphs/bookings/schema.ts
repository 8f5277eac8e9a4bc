import { PreferenceResolver } from "./preference/preference.resolver";
import { type FederatedSchema, buildFederatedSchema } from "../../kit";
import { BookingResolver, resolveBookingReference } from "./booking/booking.resolver";
import type { BookingsContext } from "./context";
import { CustomerResolver } from "./customer/customer.resolver";
import { Customer, customerRef } from "./customer/customer.type";
import { Booking } from "./booking/booking.type";

/** Bookings' subgraph schema; needs no database, so composition can build it. */
export function buildBookingsSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema(
    // Bookings has no Query of its own: type-graphql emits only types reachable
    // from a root, so the entities it extends are named here.
    { resolvers: [BookingResolver, CustomerResolver, PreferenceResolver], orphanedTypes: [Customer, Booking] },
    {
      // Any id is a customer here: one with no stays has empty lists and
      // stayCount 0. Billing decides whether the customer exists.
      Customer: { __resolveReference: (ref: { id: string }) => customerRef(ref.id) },
      Booking: { __resolveReference: (ref: { id: string }, ctx: BookingsContext) => resolveBookingReference(ref, ctx) },
    },
  );
}
