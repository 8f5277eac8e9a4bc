import { Arg, Ctx, Directive, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { Access, Authorized, checkFirst, TIMELINE_MAX, TouchPoint, TouchPointsScalar, SLICED_BY_FIRST } from "../../../kit/subgraph";
import type { RetailContext } from "../unit";
import { loyaltyTouchPoint } from "../loyalty/loyalty.mapper";
import { LoyaltyMembership, LoyaltyStanding } from "../loyalty/loyalty.type";
import { orderTouchPoint } from "../order/order.mapper";
import { Order } from "../order/order.type";
import { Customer, customerRef } from "./customer.type";

@Resolver(() => Customer)
export class CustomerResolver {
  // The token vouches for the id: every unit answers `me`, so each unit's
  // fields are fetched from it directly and fail alone (see billing's).
  @Directive("@shareable")
  @Query(() => Customer, { nullable: true, description: "The signed-in customer; null when the caller is not a customer. Every unit answers it from the verified token." })
  me(@Ctx() ctx: RetailContext): Customer | null {
    return ctx.identity?.customerId ? customerRef(ctx.identity.customerId) : null;
  }

  @Authorized(Access.OWNER)
  @Directive(SLICED_BY_FIRST)
  @FieldResolver(() => [Order], { nullable: true, description: "Retail orders, newest first (first at most 100). Owned by retail." })
  orders(@Root() customer: Customer, @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null, @Ctx() ctx: RetailContext): Promise<Order[]> {
    return ctx.loaders.ordersOf({ first: checkFirst(first ?? 20, 100) }).load(customer.id);
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => LoyaltyMembership, { nullable: true, description: "Loyalty programme membership; null when not a member. Owned by retail." })
  loyalty(@Root() customer: Customer, @Ctx() ctx: RetailContext): Promise<LoyaltyMembership | null> {
    return ctx.loaders.loyalty.load(customer.id);
  }

  /**
   * The loyalty facts other units' rules read (promotions' offers, through
   * `@requires`): never null when retail answers, `tier` null for a
   * non-member. `loyalty` cannot say this: it is null both for a non-member
   * and when retail did not answer, and an offer list must not mistake one
   * for the other.
   */
  @Directive("@inaccessible")
  @Authorized(Access.OWNER)
  @FieldResolver(() => LoyaltyStanding, { nullable: true, description: "The customer's standing in the loyalty programme, for other units' rules (internal). Owned by retail." })
  async loyaltyStanding(@Root() customer: Customer, @Ctx() ctx: RetailContext): Promise<LoyaltyStanding> {
    const membership = await ctx.loaders.loyalty.load(customer.id);
    return Object.assign(new LoyaltyStanding(), { tier: membership?.tier ?? null });
  }

  // Retail's part of the timeline; promotions merges every unit's part.
  // Hidden from clients, read by the planner only.
  @Directive("@inaccessible")
  @Authorized(Access.OWNER)
  @FieldResolver(() => TouchPointsScalar, { nullable: true, description: `Retail's touch points (orders, joining the loyalty programme), newest first, at most ${TIMELINE_MAX} (internal, for Customer.timeline).` })
  async retailTouchPoints(@Root() customer: Customer, @Ctx() ctx: RetailContext): Promise<TouchPoint[]> {
    const [orders, membership] = await Promise.all([ctx.loaders.ordersOf({ first: TIMELINE_MAX }).load(customer.id), ctx.loaders.loyalty.load(customer.id)]);
    const lines = await Promise.all(orders.map((o) => ctx.loaders.orderLines.load(o.id)));
    const points = orders.map((o, i) => orderTouchPoint(o, lines[i]));
    if (membership) points.push(loyaltyTouchPoint(membership));
    return points.sort(newestFirst).slice(0, TIMELINE_MAX);
  }
}

/** ISO-8601 UTC strings of one format sort as instants; the ref breaks ties so the order is stable. */
function newestFirst(a: TouchPoint, b: TouchPoint): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return a.ref < b.ref ? 1 : a.ref > b.ref ? -1 : 0;
}

/** Retail serves its slice for any customer id: billing decides who exists. */
export function resolveCustomerReference(ref: { id: string }): Customer {
  return customerRef(ref.id);
}
