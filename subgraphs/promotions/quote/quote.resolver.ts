import { Arg, Ctx, Directive, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { Access, Authorized, BadUserInputError, decodeQuoteKey, encodeQuoteKey, Money, toMinor, UnavailableError, assumedSize } from "../../../kit/subgraph";
import type { PromotionsContext } from "../unit";
import { priceOf } from "../offer/offer.rules";
import { Product } from "../offer/offer.type";
import { Quote, QuoteLine, QuoteLineInput } from "./quote.type";

const BASKET = `basket { sku quantity category listPrice { amount currency } }`;

@Resolver(() => Quote)
export class QuoteResolver {
  @Authorized(Access.OWNER)
  @Query(() => Quote, { nullable: true, description: "Prices a basket, for everyone or for one customer, with the same rules as Product.price. Resolved by promotions with retail's list prices." })
  quote(@Arg("customerId", () => ID, { nullable: true }) customerId: string | null, @Arg("lines", () => [QuoteLineInput]) lines: QuoteLineInput[]): Quote {
    return Object.assign(new Quote(), { id: encodeQuoteKey({ customerId: customerId ?? null, lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) }), customerId: customerId ?? null });
  }

  @Directive(`@requires(fields: "${BASKET}")`)
  @Authorized(Access.OWNER)
  @Directive(assumedSize(20))
  @FieldResolver(() => [QuoteLine], { nullable: true, description: "The basket's lines, each priced. Null, with an error naming retail, while retail does not answer." })
  async lines(@Root() quote: Quote, @Ctx() ctx: PromotionsContext): Promise<QuoteLine[]> {
    return priceLines(quote, ctx);
  }

  @Directive(`@requires(fields: "${BASKET}")`)
  @Authorized(Access.OWNER)
  @FieldResolver(() => Money, { nullable: true, description: "Sum of the lines' totals. Null, with an error naming retail, while retail does not answer." })
  async total(@Root() quote: Quote, @Ctx() ctx: PromotionsContext): Promise<Money> {
    const lines = await priceLines(quote, ctx);
    const currencies = new Set(lines.map((l) => l.lineTotal.currency));
    if (currencies.size > 1) throw new BadUserInputError(`basket mixes currencies (${[...currencies].join(", ")}); quote them separately`, "lines");
    return Money.of(
      lines.reduce((sum, l) => sum + toMinor(l.lineTotal), 0n),
      lines[0]?.lineTotal.currency ?? "EUR",
    );
  }
}

/**
 * `lines` and `total` of one quote price the same basket: price it once. The
 * key is the quote object of this request's entity fetch, so nothing is
 * shared between requests.
 */
const priced = new WeakMap<Quote, Promise<QuoteLine[]>>();

function priceLines(quote: Quote, ctx: PromotionsContext): Promise<QuoteLine[]> {
  let lines = priced.get(quote);
  if (!lines) {
    lines = priceBasket(quote, ctx);
    priced.set(quote, lines);
  }
  return lines;
}

async function priceBasket(quote: Quote, ctx: PromotionsContext): Promise<QuoteLine[]> {
  // No basket is not an empty basket: retail did not answer, and a quote of nothing would mislead.
  if (quote.basket == null) throw new UnavailableError("a quote needs retail's list prices, and the retail unit did not answer", "retail");
  const { customerId } = decodeQuoteKey(quote.id);
  const [catalogue, facts] = await Promise.all([ctx.loaders.catalogue.load("all"), customerId ? ctx.loaders.facts.load(customerId) : null]);
  return quote.basket.map((item) => {
    const listMinor = toMinor(item.listPrice);
    const price = priceOf({ sku: item.sku, category: item.category, listMinor, currency: item.listPrice.currency }, catalogue, facts, ctx.now);
    return Object.assign(new QuoteLine(), {
      product: Object.assign(new Product(), { sku: item.sku, listPrice: item.listPrice, category: item.category }),
      quantity: item.quantity,
      price,
      lineTotal: Money.of(toMinor(price.final) * BigInt(item.quantity), item.listPrice.currency),
    });
  });
}
