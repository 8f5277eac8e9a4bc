import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { LoyaltyTier, TouchPoint } from "../../../kit";

/** Retail's loyalty membership, as far as promotions reads it: the tier only, live. */
// Described by its owner, retail.
@ObjectType()
export class LoyaltyMembership {
  @Directive("@external")
  @Field(() => LoyaltyTier)
  tier!: LoyaltyTier;
}

/**
 * The customer as promotions sees them. Stay count (bookings), loyalty tier
 * (retail) and every unit's touch points are `@external`: the planner fetches
 * them from their owners on each request and hands them to promotions via
 * `@requires`, so nothing is copied and nothing can be stale.
 */
@ObjectType({ description: "One customer, as every unit sees them. Keyed by the enterprise customer id; each unit contributes its fields." })
@Directive(`@key(fields: "id")`)
export class Customer {
  @Field(() => ID)
  id!: string;

  @Directive("@external")
  @Field(() => Int)
  stayCount?: number;

  @Directive("@external")
  @Field(() => LoyaltyMembership, { nullable: true })
  loyalty?: LoyaltyMembership | null;

  @Directive("@external")
  @Field(() => [TouchPoint])
  bookingsTouchPoints?: TouchPoint[];

  @Directive("@external")
  @Field(() => [TouchPoint])
  billingTouchPoints?: TouchPoint[];

  @Directive("@external")
  @Field(() => [TouchPoint])
  retailTouchPoints?: TouchPoint[];
}
