import { Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Channel } from "../channel";
import { unitNames } from "../manifest";

/**
 * Types every unit speaks identically: they are value types in Federation
 * terms (`@shareable`, same fields everywhere), so they live once, here.
 * `Channel` itself is common (../channel.ts); the units print it as an enum.
 */
registerEnumType(Channel, {
  name: "Channel",
  description: "Where a request or a touch point came from. Recorded, never used to change a price, an offer or a history. Shared by every unit.",
});

/**
 * The business unit that owns a piece of data: one value per unit in
 * subgraphs/manifest.json, upper case (BOOKINGS, BILLING...), so a unit added
 * with `npm run new-subgraph` can name itself on the touch points it adds to
 * the timeline without editing the kit. Every unit reads the same manifest,
 * so every unit prints the same enum.
 */
export type BusinessUnit = string;

/** The GraphQL enum BusinessUnit, for `@Field(() => BUSINESS_UNIT)`. */
export const BUSINESS_UNIT: Record<string, BusinessUnit> = Object.fromEntries(unitNames().map((name) => [name.toUpperCase(), name.toUpperCase()]));
registerEnumType(BUSINESS_UNIT, { name: "BusinessUnit", description: "The business unit that owns a piece of data. Shared by every unit." });

/** A unit's BusinessUnit value by its manifest name ("bookings" -> BOOKINGS); throws for a name the manifest lacks. */
export function businessUnit(name: string): BusinessUnit {
  const value = BUSINESS_UNIT[name.toUpperCase()];
  if (!value) throw new Error(`"${name}" is not a unit in subgraphs/manifest.json`);
  return value;
}

export enum LoyaltyTier {
  BRONZE = "BRONZE",
  SILVER = "SILVER",
  GOLD = "GOLD",
  PLATINUM = "PLATINUM",
}
registerEnumType(LoyaltyTier, { name: "LoyaltyTier", description: "Retail loyalty tiers, lowest first. Owned by retail; promotions reads it live for eligibility." });

export const TIER_RANK: Record<LoyaltyTier, number> = { BRONZE: 1, SILVER: 2, GOLD: 3, PLATINUM: 4 };

@ObjectType({ description: "One thing that happened between the customer and a unit (a booking, an invoice, an order, a redemption...). Shared by every unit: each reports its own, promotions merges them into Customer.timeline." })
@Directive("@shareable")
export class TouchPoint {
  @Field({ description: "When it happened, ISO-8601 UTC." })
  at!: string;

  @Field(() => BUSINESS_UNIT, { description: "The unit whose silo recorded it." })
  unit!: BusinessUnit;

  @Field(() => Channel, { nullable: true, description: "The channel it came through, where the unit records one." })
  channel?: Channel | null;

  @Field({ description: 'What kind of touch point, e.g. "booking", "invoice", "order", "redemption".' })
  kind!: string;

  @Field({ description: "One line a person reads." })
  summary!: string;

  @Field(() => ID, { description: "The id of the underlying record in its unit (booking id, invoice number...)." })
  ref!: string;
}

/**
 * How many touch points each unit hands to the timeline at most. The timeline
 * merges each unit's newest N, which is exactly the newest N overall, so
 * `Customer.timeline(first)` accepts `first` up to this bound.
 */
export const TIMELINE_MAX = 200;

export function touchPoint(fields: TouchPoint): TouchPoint {
  return Object.assign(new TouchPoint(), fields);
}
