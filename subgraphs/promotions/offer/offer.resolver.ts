import { Directive, Arg, Authorized, Ctx, ID, Query, Resolver } from "type-graphql";
import { Access, ForbiddenError, assumedSize } from "../../../kit/subgraph";
import type { PromotionsContext } from "../unit";
import { isLive } from "./offer.rules";
import { Offer } from "./offer.type";

@Resolver(() => Offer)
export class OfferResolver {
  @Authorized(Access.SIGNED_IN)
  @Query(() => Offer, { nullable: true, description: "An offer by code, live or not; null when unknown. Resolved by promotions." })
  async offer(@Arg("code", () => ID) code: string, @Ctx() ctx: PromotionsContext): Promise<Offer | null> {
    const offer = await ctx.loaders.offer.load(code);
    // Partners see public offers only; customers and agents see the catalogue.
    if (offer && !offer.public && ctx.identity?.role === "partner") throw new ForbiddenError(`offer ${code} is not public`);
    return offer;
  }

  @Authorized(Access.SIGNED_IN)
  @Directive(assumedSize(20))
  @Query(() => [Offer], { nullable: true, description: "Offers valid now that anyone may see (partners included), by code. Resolved by promotions." })
  async publicOffers(@Ctx() ctx: PromotionsContext): Promise<Offer[]> {
    const catalogue = await ctx.loaders.catalogue.load("all");
    return catalogue.filter((o) => o.public && isLive(o, ctx.now));
  }
}
