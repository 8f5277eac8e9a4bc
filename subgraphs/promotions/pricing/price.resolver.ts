import { Arg, Ctx, Directive, FieldResolver, ID, Resolver, Root } from "type-graphql";
import { Access, Authorized, UnavailableError, costs, toMinor } from "../../../kit/subgraph";
import type { PromotionsContext } from "../unit";
import { priceOf } from "../offer/offer.rules";
import { Price, Product } from "../offer/offer.type";

@Resolver(() => Product)
export class PriceResolver {
  /**
   * The one price engine: list price and category come from retail through
   * `@requires` on every request; offers and eligibility are promotions' own.
   * The channel a request came from is never consulted.
   */
  @Directive(`@requires(fields: "listPrice { amount currency } category")`)
  // The price engine: the catalogue of offers and, for a customer, their facts.
  @Directive(costs(3))
  @Authorized(Access.OWNER)
  @FieldResolver(() => Price, { nullable: true, description: "Price for everyone, or for one customer (their eligible offers applied). Computed only by promotions from retail's list price." })
  async price(@Root() product: Product, @Arg("customerId", () => ID, { nullable: true }) customerId: string | null, @Ctx() ctx: PromotionsContext): Promise<Price> {
    // A list price the gateway hands over as null: retail did not answer.
    if (product.listPrice == null || product.category == null) throw new UnavailableError("a price needs retail's list price, and the retail unit did not answer", "retail");
    const [catalogue, facts] = await Promise.all([ctx.loaders.catalogue.load("all"), customerId ? ctx.loaders.facts.load(customerId) : null]);
    const listMinor = toMinor(product.listPrice);
    return priceOf({ sku: product.sku, category: product.category, listMinor, currency: product.listPrice.currency }, catalogue, facts, ctx.now);
  }
}

export function resolveProductReference(ref: Product): Product {
  return Object.assign(new Product(), ref);
}
