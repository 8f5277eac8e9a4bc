import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, Directive, FieldResolver, Info, Int, Query, Resolver, Root } from "type-graphql";
import { Access, Authorized, BUSINESS_UNIT, type BusinessUnit, businessUnit, checkFirst, reportBeside, TIMELINE_MAX, TouchPoint, touchPointsField, assumedSize, SLICED_BY_FIRST } from "../../../kit/subgraph";
import { MarketingConsent } from "../consent/consent.type";
import type { PromotionsContext } from "../unit";
import { isEligible } from "../offer/offer.rules";
import { Offer } from "../offer/offer.type";
import { redemptionTouchPoint } from "../redemption/redemption.repository";
import { Redemption } from "../redemption/redemption.type";
import { Customer, TIMELINE_UNITS, touchPointsOf } from "./customer.type";

/** What the timeline requires: every other unit's touch points, each unit's packed in one value (see TIMELINE_UNITS). */
const TIMELINE_REQUIRES = TIMELINE_UNITS.map(touchPointsField).join(" ");

@Resolver(() => Customer)
export class CustomerResolver {
  // The token vouches for the id: every unit answers `me`, so each unit's
  // fields are fetched from it directly and fail alone (see billing's).
  @Directive("@shareable")
  @Query(() => Customer, { nullable: true, description: "The signed-in customer; null when the caller is not a customer. Every unit answers it from the verified token." })
  me(@Ctx() ctx: PromotionsContext): Customer | null {
    return ctx.identity?.customerId ? Object.assign(new Customer(), { id: ctx.identity.customerId }) : null;
  }

  /**
   * Eligibility needs bookings' stay count and retail's loyalty standing. If
   * either unit did not answer (the gateway hands over null), the list is
   * null with an error naming the unit: a shorter list would look complete,
   * and a channel would show fewer offers than another.
   */
  @Directive(`@requires(fields: "stayCount loyaltyStanding { tier }")`)
  @Authorized(Access.OWNER)
  @Directive(assumedSize(20))
  @FieldResolver(() => [Offer], {
    nullable: true,
    description:
      "Offers this customer may use now, by code. Eligibility is decided by promotions from live data: loyalty tier (retail), completed stays (bookings), consent and past redemptions (promotions). Null, with an error naming the unit, while bookings or retail does not answer.",
  })
  async offers(@Root() customer: Customer, @Ctx() ctx: PromotionsContext, @Info() info: GraphQLResolveInfo): Promise<Offer[] | null> {
    const missing = [...(customer.stayCount == null ? ["bookings"] : []), ...(customer.loyaltyStanding == null ? ["retail"] : [])];
    if (missing.length > 0) {
      for (const unit of missing) reportBeside(ctx, info, { code: "UNAVAILABLE", unit, message: `offers depend on the ${unit} unit, which did not answer; they are left out rather than shown incomplete` });
      return null;
    }
    const [catalogue, facts] = await Promise.all([ctx.loaders.catalogue.load("all"), ctx.loaders.facts.load(customer.id)]);
    const live = { ...facts, tier: customer.loyaltyStanding?.tier ?? null, stayCount: customer.stayCount ?? 0 };
    return catalogue.filter((offer) => isEligible(offer, live, ctx.now));
  }

  @Authorized(Access.OWNER)
  @Directive(assumedSize(20))
  @FieldResolver(() => [Redemption], { nullable: true, description: `Offers this customer redeemed, newest first (at most ${TIMELINE_MAX}). Owned by promotions.` })
  redemptions(@Root() customer: Customer, @Ctx() ctx: PromotionsContext): Promise<Redemption[]> {
    return ctx.loaders.redemptionsOf.load(customer.id);
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => MarketingConsent, { nullable: true, description: "Marketing consent per medium. Owned by promotions." })
  consent(@Root() customer: Customer, @Ctx() ctx: PromotionsContext): Promise<MarketingConsent> {
    return ctx.loaders.consent.load(customer.id);
  }

  /**
   * Every unit's touch points, newest first, in one field. Each unit resolves
   * its own touch points (it alone can read its silo and knows what its rows
   * mean) in a hidden field; this field requires all of them, so the planner
   * fetches them from every unit in parallel and promotions only merges.
   * Each unit hands over its newest TIMELINE_MAX, packed in one value per
   * customer (kit/subgraph/touch-points.ts), so the merge is exact for any
   * `first` up to that bound. A unit that did not answer, or whose touch
   * points cannot be read, is left out and named: an error at this field's
   * path per missing unit (the other units' touch points stand) and
   * `timelineMissingUnits`.
   */
  @Directive(`@requires(fields: "${TIMELINE_REQUIRES}")`)
  @Authorized(Access.OWNER)
  @Directive(SLICED_BY_FIRST)
  @FieldResolver(() => [TouchPoint], {
    nullable: true,
    description: `Touch points of every unit, newest first (first: 1..${TIMELINE_MAX}). Merged by promotions from each unit's own. A unit that does not answer is left out, with an error naming it at this path; timelineMissingUnits lists such units.`,
  })
  async timeline(@Root() customer: Customer, @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number | null, @Ctx() ctx: PromotionsContext, @Info() info: GraphQLResolveInfo): Promise<TouchPoint[]> {
    const limit = checkFirst(first ?? 50, TIMELINE_MAX);
    const [redemptions, consent] = await Promise.all([ctx.loaders.redemptionsOf.load(customer.id), ctx.loaders.consentHistory.load(customer.id)]);
    const all = [...redemptions.map(redemptionTouchPoint), ...consent];
    for (const unit of TIMELINE_UNITS) {
      const { points, missing } = touchPointsOf(customer, unit);
      if (points) all.push(...points);
      else reportBeside(ctx, info, { code: "UNAVAILABLE", unit, message: `the timeline lacks the ${unit} unit's touch points: ${missing}` });
    }
    // ISO-8601 UTC strings of one format sort as time; unit and ref break ties stably.
    all.sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.unit !== b.unit ? (a.unit < b.unit ? -1 : 1) : a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
    return all.slice(0, limit);
  }

  @Directive(`@requires(fields: "${TIMELINE_REQUIRES}")`)
  @Authorized(Access.OWNER)
  @FieldResolver(() => [BUSINESS_UNIT], { nullable: true, description: "Units whose touch points `timeline` lacks because they did not answer; empty when the timeline is complete. Merged by promotions." })
  timelineMissingUnits(@Root() customer: Customer): BusinessUnit[] {
    return TIMELINE_UNITS.filter((unit) => touchPointsOf(customer, unit).points === null).map(businessUnit);
  }
}

@Resolver(() => Redemption)
export class RedemptionResolver {
  @Authorized(Access.OWNER)
  @FieldResolver(() => Offer, { description: "The offer redeemed." })
  async offer(@Root() redemption: Redemption, @Ctx() ctx: PromotionsContext): Promise<Offer> {
    const offer = await ctx.loaders.offer.load(redemption.offerCode);
    if (!offer) throw new Error(`redemption ${redemption.id} refers to unknown offer ${redemption.offerCode}`);
    return offer;
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => Customer, { description: "Who redeemed it." })
  customer(@Root() redemption: Redemption): Customer {
    return Object.assign(new Customer(), { id: redemption.customerId });
  }
}
