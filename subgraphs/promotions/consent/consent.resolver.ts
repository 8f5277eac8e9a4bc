import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { Access, BadUserInputError, NotFoundError, requireChannel } from "../../../kit/subgraph";
import type { PromotionsContext } from "../unit";
import { MarketingConsent } from "./consent.type";

const EXISTS = `query ConsentCheck($id: ID!) { customer(id: $id) { id } }`;

@Resolver(() => MarketingConsent)
export class ConsentResolver {
  @Authorized(Access.OWNER)
  @Mutation(() => MarketingConsent, {
    nullable: true,
    description: "Opt in or out of marketing per medium (omitted media stay as they are). Audited with who, when and channel; offers needing consent follow at once. Needs an x-channel header. Owned by promotions.",
  })
  async setMarketingConsent(
    @Arg("customerId", () => ID) customerId: string,
    @Arg("email", () => Boolean, { nullable: true }) email: boolean | null,
    @Arg("sms", () => Boolean, { nullable: true }) sms: boolean | null,
    @Arg("push", () => Boolean, { nullable: true }) push: boolean | null,
    @Ctx() ctx: PromotionsContext,
  ): Promise<MarketingConsent> {
    const channel = requireChannel(ctx);
    const changes = Object.fromEntries(Object.entries({ email, sms, push }).filter(([, v]) => v !== null && v !== undefined)) as Partial<Record<"email" | "sms" | "push", boolean>>;
    if (Object.keys(changes).length === 0) throw new BadUserInputError("say which consent to change: email, sms and/or push");
    const view = await ctx.graph.read<{ customer: { id: string } | null }>(EXISTS, { id: customerId }, ctx);
    if (!view.customer) throw new NotFoundError(`unknown customer ${customerId}`);
    return ctx.repos.consent.set(customerId, changes, { channel, actor: actorOf(ctx), at: ctx.now });
  }
}

/** Who changed it, for the audit trail: the verified identity, never personal data. */
function actorOf(ctx: PromotionsContext): string {
  if (!ctx.identity) return "unauthenticated";
  return ctx.identity.customerId ? `${ctx.identity.role}:${ctx.identity.customerId}` : ctx.identity.role;
}
