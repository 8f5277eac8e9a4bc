import type { GraphQLResolveInfo } from "graphql";
import { Ctx, Directive, Field, FieldResolver, Info, ObjectType, Resolver, Root } from "type-graphql";
import { Access, Authorized, reportBeside } from "../../../kit/subgraph";
import type { MarketingConsent } from "../consent/consent.type";
import type { PromotionsContext } from "../unit";
import { Customer } from "./customer.type";

@ObjectType({ description: "Whether the company may contact the customer to sell, and why not. Decided by promotions from care's open cases and the customer's consent, read live." })
export class SalesContact {
  @Field({ description: "True when a sales contact is allowed now." })
  allowed!: boolean;

  @Field(() => [String], { description: "Why it is not allowed (open care cases, withdrawn consent); empty when it is." })
  reasons!: string[];
}

/** The rule, apart from where its facts come from. */
export function salesContact(openCases: number, consent: Pick<MarketingConsent, "email" | "sms" | "push">): SalesContact {
  const reasons: string[] = [];
  if (openCases > 0) reasons.push(openCases === 1 ? "1 open care case: settle it before selling" : `${openCases} open care cases: settle them before selling`);
  if (!consent.email && !consent.sms && !consent.push) reasons.push("marketing consent withdrawn for e-mail, SMS and push");
  return Object.assign(new SalesContact(), { allowed: reasons.length === 0, reasons });
}

@Resolver(() => Customer)
export class SalesContactResolver {
  /**
   * Knowledge at the point of action: an agent about to sell sees whether
   * the customer is in the middle of a complaint. Care's open-case count
   * comes live through `@requires`; while care does not answer this field
   * is null with an error naming care, never a guess.
   */
  @Directive(`@requires(fields: "openCaseCount")`)
  @Authorized(Access.AGENT)
  @FieldResolver(() => SalesContact, {
    nullable: true,
    description: "Whether a sales contact is allowed now, and why not: no open care case (care's openCaseCount, live) and some marketing consent. Agents only. Null, with an error naming care, while care does not answer.",
  })
  async salesContact(@Root() customer: Customer, @Ctx() ctx: PromotionsContext, @Info() info: GraphQLResolveInfo): Promise<SalesContact | null> {
    if (customer.openCaseCount == null) {
      reportBeside(ctx, info, { code: "UNAVAILABLE", unit: "care", message: "salesContact depends on the care unit, which did not answer; it is left out rather than guessed" });
      return null;
    }
    return salesContact(customer.openCaseCount, await ctx.loaders.consent.load(customer.id));
  }
}
