import { Authorized, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Access, SiloDataError } from "../../../kit/subgraph";
import type { BookingsContext } from "../unit";
import { Customer, customerRef } from "../customer/customer.type";
import { Property } from "../property/property.type";
import { Booking } from "./booking.type";

@Resolver(() => Booking)
export class BookingResolver {
  @Authorized(Access.OWNER)
  @FieldResolver(() => Property, { description: "The hotel booked. Owned by bookings." })
  async property(@Root() booking: Booking, @Ctx() ctx: BookingsContext): Promise<Property> {
    const property = await ctx.loaders.property.load(booking.propertyCode);
    // The stay was read joined to its hotel a moment ago; a miss means the
    // hotel row went away in between, which is the silo's state to report.
    if (!property) throw new SiloDataError(`bookings silo, booking ${booking.id}: unknown hotel_code ${JSON.stringify(booking.propertyCode)}`);
    return property;
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => Customer, { description: "The guest who booked. Owned by bookings (the guest reference); other units add the rest." })
  customer(@Root() booking: Booking): Customer {
    return customerRef(booking.customerId);
  }
}

export function resolveBookingReference(ref: { id: string }, ctx: BookingsContext): Promise<Booking | null> {
  return ctx.loaders.booking.load(ref.id);
}
