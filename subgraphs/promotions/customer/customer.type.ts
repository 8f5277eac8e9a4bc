import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { LoyaltyTier, type TouchPoint, TouchPointsScalar, businessUnit, touchPointsField, unitNames, unpackTouchPoints, PERSONAL } from "../../../kit/subgraph";

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
  Field(() => TouchPointsScalar, { nullable: true })(Customer.prototype, touchPointsField(unit));
}

/** A unit's touch points as promotions read them: null, with why, when the timeline must do without them. */
export type UnitTouchPoints = { points: TouchPoint[]; missing?: undefined } | { points: null; missing: string };

/** Each customer's units' touch points once read, for `timeline` and `timelineMissingUnits` alike. */
const read = new WeakMap<Customer, Map<string, UnitTouchPoints>>();

/**
 * A unit's touch points as the gateway handed them over: their packed text
 * (kit/subgraph/touch-points.ts), or the list of objects units answered
 * before it. Missing when the unit did not answer (null) and when what it
 * answered cannot be read, which costs that unit's touch points only.
 */
export function touchPointsOf(customer: Customer, unit: string): UnitTouchPoints {
  let units = read.get(customer);
  if (!units) read.set(customer, (units = new Map()));
  let found = units.get(unit);
  if (!found) units.set(unit, (found = readTouchPoints((customer as unknown as Record<string, unknown>)[touchPointsField(unit)], unit)));
  return found;
}

function readTouchPoints(value: unknown, unit: string): UnitTouchPoints {
  if (value == null) return { points: null, missing: `the ${unit} unit did not answer` };
  try {
    return { points: unpackTouchPoints(value, businessUnit(unit)) };
  } catch (error) {
    return { points: null, missing: `the ${unit} unit's answer could not be read: ${(error as Error).message}` };
  }
}
