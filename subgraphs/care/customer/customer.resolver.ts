import { Authorized, Ctx, Directive, FieldResolver, Resolver, Root } from "type-graphql";
import { Access, TouchPoint, businessUnit, touchPoint } from "../../../kit";
import type { CareContext } from "../context";
import { Customer } from "./customer.type";

@Resolver(() => Customer)
export class CustomerResolver {
  // Personal data: agents, or the customer themself (kit/authorization.ts).
  // Nullable, as every unit's field on Customer: care may fail while the
  // other units answer (the contract check holds every unit to it).
  @Authorized(Access.OWNER)
  @FieldResolver(() => String, { nullable: true, description: "When the customer first dealt with care, ISO-8601 UTC; null if never. Owned by care." })
  careSince(@Root() customer: Customer, @Ctx() ctx: CareContext): Promise<string | null> {
    return ctx.loaders.careSince.load(customer.id);
  }

  // Care's part of Customer.timeline: the timeline merges this field of
  // every unit in subgraphs/manifest.json. Hidden from clients; newest first.
  @Directive("@inaccessible")
  @Authorized(Access.OWNER)
  @FieldResolver(() => [TouchPoint], { nullable: true, description: "Care's touch points, newest first (internal, for Customer.timeline). Owned by care." })
  async careTouchPoints(@Root() customer: Customer, @Ctx() ctx: CareContext): Promise<TouchPoint[]> {
    const since = await ctx.loaders.careSince.load(customer.id);
    return since ? [touchPoint({ at: since, unit: businessUnit("care"), channel: null, kind: "first-contact", summary: "First dealt with care", ref: customer.id })] : [];
  }
}

/** The gateway hands over only the key; every field goes through a loader. */
export function resolveCustomerReference(ref: { id: string }): Customer {
  return Object.assign(new Customer(), { id: ref.id });
}
