import { Arg, Authorized, Ctx, Directive, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { Access, checkFirst, TIMELINE_MAX, TouchPoint } from "../../../kit";
import { MarketingConsent } from "../consent/consent.type";
import type { PromotionsContext } from "../context";
import { isEligible } from "../offer/offer.rules";
import { Offer } from "../offer/offer.type";
import { redemptionTouchPoint } from "../redemption/redemption.repository";
import { Redemption } from "../redemption/redemption.type";
import { Customer } from "./customer.type";

const TOUCH_POINT = "at unit channel kind summary ref";

@Resolver(() => Customer)
export class CustomerResolver {
  @Directive(`@requires(fields: "stayCount loyalty { tier }")`)
  @Authorized(Access.OWNER)
  @FieldResolver(() => [Offer], {
    description: "Offers this customer may use now, by code. Eligibility is decided by promotions from live data: loyalty tier (retail), completed stays (bookings), consent and past redemptions (promotions).",
  })
  async offers(@Root() customer: Customer, @Ctx() ctx: PromotionsContext): Promise<Offer[]> {
    const [catalogue, facts] = await Promise.all([ctx.loaders.catalogue.load("all"), ctx.loaders.facts.load(customer.id)]);
    const live = { ...facts, tier: customer.loyalty?.tier ?? null, stayCount: customer.stayCount ?? 0 };
    return catalogue.filter((offer) => isEligible(offer, live, ctx.now));
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => [Redemption], { description: `Offers this customer redeemed, newest first (at most ${TIMELINE_MAX}). Owned by promotions.` })
  redemptions(@Root() customer: Customer, @Ctx() ctx: PromotionsContext): Promise<Redemption[]> {
    return ctx.loaders.redemptionsOf.load(customer.id);
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => MarketingConsent, { description: "Marketing consent per medium. Owned by promotions." })
  consent(@Root() customer: Customer, @Ctx() ctx: PromotionsContext): Promise<MarketingConsent> {
    return ctx.loaders.consent.load(customer.id);
  }

  /**
   * Every unit's touch points, newest first, in one field. Each unit resolves
   * its own touch points (it alone can read its silo and knows what its rows
   * mean) in a hidden field; this field requires all of them, so the planner
   * fetches them from the four units in parallel and promotions only merges.
   * Each unit hands over its newest TIMELINE_MAX, so the merge is exact for
   * any `first` up to that bound.
   */
  @Directive(`@requires(fields: "bookingsTouchPoints { ${TOUCH_POINT} } billingTouchPoints { ${TOUCH_POINT} } retailTouchPoints { ${TOUCH_POINT} }")`)
  @Authorized(Access.OWNER)
  @FieldResolver(() => [TouchPoint], { description: `Touch points of every unit, newest first (first: 1..${TIMELINE_MAX}). Merged by promotions from each unit's own.` })
  async timeline(
    @Root() customer: Customer,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Ctx() ctx: PromotionsContext,
  ): Promise<TouchPoint[]> {
    const limit = checkFirst(first ?? 50, TIMELINE_MAX);
    const [redemptions, consent] = await Promise.all([ctx.loaders.redemptionsOf.load(customer.id), ctx.loaders.consentHistory.load(customer.id)]);
    const all = [
      ...(customer.bookingsTouchPoints ?? []),
      ...(customer.billingTouchPoints ?? []),
      ...(customer.retailTouchPoints ?? []),
      ...redemptions.map(redemptionTouchPoint),
      ...consent,
    ];
    // ISO-8601 UTC strings of one format sort as time; unit and ref break ties stably.
    all.sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.unit !== b.unit ? (a.unit < b.unit ? -1 : 1) : a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
    return all.slice(0, limit);
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
