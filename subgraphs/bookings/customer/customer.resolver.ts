import { Arg, Ctx, Directive, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { Access, Authorized, checkFirst, TIMELINE_MAX, TouchPoint, TouchPointsScalar, SLICED_BY_FIRST, assumedSize } from "../../../kit/subgraph";
import { bookingTouchPoint } from "../booking/booking.mapper";
import { Booking, BookingStatus } from "../booking/booking.type";
import type { BookingsContext } from "../unit";
import { preferenceTouchPoint } from "../preference/preference.mapper";
import { StayPreference } from "../preference/preference.type";
import { Customer, customerRef } from "./customer.type";

@Resolver(() => Customer)
export class CustomerResolver {
  // The token vouches for the id: every unit answers `me`, so each unit's
  // fields are fetched from it directly and fail alone (see billing's).
  @Directive("@shareable")
  @Query(() => Customer, { nullable: true, description: "The signed-in customer; null when the caller is not a customer. Every unit answers it from the verified token." })
  me(@Ctx() ctx: BookingsContext): Customer | null {
    return ctx.identity?.customerId ? customerRef(ctx.identity.customerId) : null;
  }

  @Authorized(Access.OWNER)
  @Directive(SLICED_BY_FIRST)
  @FieldResolver(() => [Booking], { nullable: true, description: "Hotel bookings, newest arrival first (at most 100). Owned by bookings." })
  bookings(
    @Root() customer: Customer,
    @Arg("status", () => BookingStatus, { nullable: true, description: "Only bookings in this status." }) status: BookingStatus | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20, description: "How many, 1 to 100." }) first: number | null,
    @Ctx() ctx: BookingsContext,
  ): Promise<Booking[]> {
    return ctx.loaders.bookingsOf({ status: status ?? null, first: checkFirst(first ?? 20, 100), newestBy: "arrival" }).load(customer.id);
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => Int, { nullable: true, description: "Completed (checked-out) stays; what returning-guest offers count. Owned by bookings." })
  async stayCount(@Root() customer: Customer, @Ctx() ctx: BookingsContext): Promise<number> {
    return (await ctx.loaders.completedStays.load(customer.id)) ?? 0;
  }

  @Authorized(Access.OWNER)
  @Directive(assumedSize(10))
  @FieldResolver(() => [StayPreference], { nullable: true, description: "Stay preferences, newest first (at most 200). Owned by bookings." })
  preferences(@Root() customer: Customer, @Ctx() ctx: BookingsContext): Promise<StayPreference[]> {
    return ctx.loaders.preferencesOf.load(customer.id);
  }

  // Bookings' part of the timeline; promotions merges every unit's part.
  // Hidden from clients, read by the planner only. Bookings are taken newest
  // *booked* first, since that is the time a booking's touch point carries.
  @Directive("@inaccessible")
  @Authorized(Access.OWNER)
  @FieldResolver(() => TouchPointsScalar, { nullable: true, description: "Bookings' touch points (bookings and preferences), newest first (internal, for Customer.timeline). Owned by bookings." })
  async bookingsTouchPoints(@Root() customer: Customer, @Ctx() ctx: BookingsContext): Promise<TouchPoint[]> {
    const [bookings, preferences] = await Promise.all([ctx.loaders.bookingsOf({ status: null, first: TIMELINE_MAX, newestBy: "booked" }).load(customer.id), ctx.loaders.preferencesOf.load(customer.id)]);
    const points = [...bookings.map(bookingTouchPoint), ...preferences.map(preferenceTouchPoint)];
    // ISO-8601 UTC strings of one width sort as the instants they name.
    points.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    return points.slice(0, TIMELINE_MAX);
  }
}
