import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { Access, BadUserInputError, requireChannel } from "../../../kit/subgraph";
import type { PromotionsContext } from "../unit";
import { Redemption } from "./redemption.type";

@Resolver(() => Redemption)
export class RedeemResolver {
  @Authorized(Access.OWNER)
  @Mutation(() => Redemption, {
    nullable: true,
    description:
      "Redeem an offer for a customer, exactly once. Eligibility is the customer's `offers`, read live. A retry with the same idempotency key returns the first result; the same key with other arguments is refused. Needs an x-channel header. Owned by promotions.",
  })
  redeemOffer(
    @Arg("customerId", () => ID) customerId: string,
    @Arg("code", () => ID) code: string,
    @Arg("idempotencyKey", () => String, { nullable: true, description: "Any unique string (e.g. a UUID) per intended redemption, at most 128 characters." }) idempotencyKey: string | null,
    @Ctx() ctx: PromotionsContext,
  ): Promise<Redemption> {
    const channel = requireChannel(ctx);
    if (idempotencyKey !== null && (idempotencyKey.length < 1 || idempotencyKey.length > 128)) throw new BadUserInputError("idempotencyKey must be 1 to 128 characters", "idempotencyKey");
    return ctx.redeemer.redeem({ customerId, code, idempotencyKey: idempotencyKey ?? null, channel, requestId: ctx.requestId, authorization: ctx.authorization, now: ctx.now });
  }
}
