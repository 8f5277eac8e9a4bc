import { Authorized, Directive, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Access, Channel, Money } from "../../../kit/subgraph";

export enum BookingStatus {
  CONFIRMED = "CONFIRMED",
  CHECKED_IN = "CHECKED_IN",
  COMPLETED = "COMPLETED",
  CANCELLED = "CANCELLED",
  NO_SHOW = "NO_SHOW",
}
registerEnumType(BookingStatus, {
  description: "Where a hotel stay stands. Owned by bookings.",
  name: "BookingStatus",
  valuesConfig: {
    CONFIRMED: { description: "Booked, not yet arrived." },
    CHECKED_IN: { description: "The guest is in the hotel now." },
    COMPLETED: { description: "Checked out; counts towards the stay count." },
    CANCELLED: { description: "Cancelled before arrival." },
    NO_SHOW: { description: "The guest never arrived." },
  },
});

// Same description as billing's stub of this entity, so composition has one to keep.
@ObjectType({ description: "A hotel booking, owned by bookings; billing adds the invoice that charged it." })
@Directive(`@key(fields: "id")`)
export class Booking {
  @Authorized(Access.OWNER)
  @Field(() => ID, { description: "Booking id, e.g. BK0000042. Owned by bookings." })
  id!: string;

  @Authorized(Access.OWNER)
  @Field({ description: "Check-in: 15:00 at the hotel on the arrival day, ISO-8601 UTC. Owned by bookings." })
  checkIn!: string;

  @Authorized(Access.OWNER)
  @Field({ description: "Check-out: 11:00 at the hotel on the departure day, ISO-8601 UTC. Owned by bookings." })
  checkOut!: string;

  @Authorized(Access.OWNER)
  @Field(() => Int, { description: "Nights booked. Owned by bookings." })
  nights!: number;

  @Authorized(Access.OWNER)
  @Field(() => BookingStatus, { description: "Where the stay stands. Owned by bookings." })
  status!: BookingStatus;

  @Authorized(Access.OWNER)
  @Field(() => Channel, { description: "The channel the stay was booked through. Owned by bookings." })
  bookedVia!: Channel;

  @Authorized(Access.OWNER)
  @Field({ description: "When the stay was booked, ISO-8601 UTC. Owned by bookings." })
  bookedAt!: string;

  @Authorized(Access.OWNER)
  @Field(() => Money, { description: "Price of the whole stay. Owned by bookings." })
  total!: Money;

  /** Keys for the field resolvers (property, customer) and the touch point's summary. */
  customerId!: string;
  propertyCode!: string;
  propertyName!: string;
  /** Arrival as the hotel's calendar date, as guests and staff say it. */
  arriveDate!: string;
}
