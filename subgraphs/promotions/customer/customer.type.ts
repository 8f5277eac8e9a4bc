import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { LoyaltyTier, TouchPoint, touchPointsField, unitNames, PERSONAL } from "../../../kit/subgraph";

/** Retail's loyalty standing, as far as promotions reads it: the tier only, live. */
// Described by its owner, retail.
@ObjectType()
export class LoyaltyStanding {
  @Directive("@external")
  @Field(() => LoyaltyTier, { nullable: true })
  tier!: LoyaltyTier | null;
}

/**
 * The customer as promotions sees them. Stay count (bookings), loyalty
 * standing (retail) and every other unit's touch points are `@external`: the
 * planner fetches them from their owners on each request and hands them to
 * promotions via `@requires`, so nothing is copied and nothing can be stale.
 * A unit that did not answer hands over null, which promotions reads as
 * "that unit is missing", never as "nothing there".
 */
@ObjectType({ description: "One customer, as every unit sees them. Keyed by the enterprise customer id; each unit contributes its fields." })
@Directive(`@key(fields: "id")`)
@Directive(PERSONAL)
export class Customer {
  @Field(() => ID)
  id!: string;

  @Directive("@external")
  @Field(() => Int, { nullable: true })
  stayCount?: number | null;

  @Directive("@external")
  @Field(() => LoyaltyStanding, { nullable: true })
  loyaltyStanding?: LoyaltyStanding | null;

  /** Care's count of open cases, for salesContact. */
  @Directive("@external")
  @Field(() => Int, { nullable: true })
  openCaseCount?: number | null;
}

/**
 * The units whose touch points the timeline merges: every unit in
 * subgraphs/manifest.json but promotions, each through its hidden
 * `<unit>TouchPoints` field. Read from the manifest, so a unit made with
 * `npm run new-subgraph` joins the timeline when promotions is next built,
 * without a change to promotions' code.
 */
export const TIMELINE_UNITS: readonly string[] = unitNames().filter((name) => name !== "promotions");

// One @external field per unit, declared as the decorators above would.
for (const unit of TIMELINE_UNITS) {
  Directive("@external")(Customer.prototype, touchPointsField(unit));
  Field(() => [TouchPoint], { nullable: true })(Customer.prototype, touchPointsField(unit));
}

/** A unit's touch points as the gateway handed them over: null when the unit did not answer. */
export function touchPointsOf(customer: Customer, unit: string): TouchPoint[] | null {
  const points = (customer as unknown as Record<string, TouchPoint[] | null | undefined>)[touchPointsField(unit)];
  return points ?? null;
}
