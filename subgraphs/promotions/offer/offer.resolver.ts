import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { PromotionsContext } from "../context";
import { isLive } from "./offer.rules";
import { Offer } from "./offer.type";

@Resolver(() => Offer)
export class OfferResolver {
  @Query(() => Offer, { nullable: true, description: "An offer by code, live or not; null when unknown. Resolved by promotions." })
  offer(@Arg("code", () => ID) code: string, @Ctx() ctx: PromotionsContext): Promise<Offer | null> {
    return ctx.loaders.offer.load(code);
  }

  @Query(() => [Offer], { description: "Offers valid now that anyone may see (partners included), by code. Resolved by promotions." })
  async publicOffers(@Ctx() ctx: PromotionsContext): Promise<Offer[]> {
    const catalogue = await ctx.loaders.catalogue.load("all");
    return catalogue.filter((o) => o.public && isLive(o, ctx.now));
  }
}
