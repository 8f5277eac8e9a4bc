import { Arg, Ctx, Directive, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { Access, Authorized, TIMELINE_MAX, TouchPoint, TouchPointsScalar, businessUnit, checkFirst, touchPoint } from "../../../kit/subgraph";
import { CareCase, CaseStatus } from "../case/case.type";
import type { CareContext } from "../unit";
import { Customer } from "./customer.type";

export const CASES_MAX = 100;

@Resolver(() => Customer)
export class CustomerResolver {
  // Personal data: agents, or the customer themself (kit/authorization.ts).
  // Nullable, as every unit's field on Customer: care may fail while the
  // other units answer (the contract check holds every unit to it).
  @Authorized(Access.OWNER)
  @FieldResolver(() => [CareCase], { nullable: true, description: `The customer's care cases, newest first (first: 1..${CASES_MAX}), optionally of one status. Owned by care.` })
  cases(
    @Root() customer: Customer,
    @Arg("status", () => CaseStatus, { nullable: true, description: "Only cases in this status." }) status: CaseStatus | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Ctx() ctx: CareContext,
  ): Promise<CareCase[]> {
    return ctx.loaders.casesOf({ status: status ?? null, first: checkFirst(first ?? 20, CASES_MAX) }).load(customer.id);
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => Int, { nullable: true, description: "How many of the customer's care cases are open (0 when none). Promotions reads it for salesContact. Owned by care." })
  async openCaseCount(@Root() customer: Customer, @Ctx() ctx: CareContext): Promise<number> {
    return (await ctx.loaders.openCaseCount.load(customer.id)) ?? 0;
  }

  // Care's part of Customer.timeline: the timeline merges this field of
  // every unit in subgraphs/manifest.json. Hidden from clients; newest first.
  @Directive("@inaccessible")
  @Authorized(Access.OWNER)
  @FieldResolver(() => TouchPointsScalar, { nullable: true, description: "Care's touch points (every contact on the customer's cases), newest first (internal, for Customer.timeline). Owned by care." })
  async careTouchPoints(@Root() customer: Customer, @Ctx() ctx: CareContext): Promise<TouchPoint[]> {
    const contacts = await ctx.loaders.contactsOf.load(customer.id);
    return contacts
      .slice(0, TIMELINE_MAX)
      .map(({ entry, topic }) => touchPoint({ at: entry.at, unit: businessUnit("care"), channel: entry.channel, kind: `care-${entry.kind}`, summary: `${topic}: ${entry.summary}${entry.outcome ? ` (${entry.outcome})` : ""}`, ref: entry.caseId }));
  }
}

/** The gateway hands over only the key; every field goes through a loader. */
export function resolveCustomerReference(ref: { id: string }): Customer {
  return Object.assign(new Customer(), { id: ref.id });
}
