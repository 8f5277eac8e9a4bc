import { NotFoundError, decodeQuoteKey } from "../../../kit/subgraph";
import type { RetailContext } from "../unit";
import { BasketItem, Quote } from "./quote.type";

/**
 * Retail's side of a quote: decode the basket from the id and attach list
 * prices. All SKUs of all quotes in one `_entities` call go through the same
 * product loader, so a basket of 100 lines is one statement.
 */
export async function resolveQuoteReference(ref: { id: string }, ctx: RetailContext): Promise<Quote> {
  const key = decodeQuoteKey(ref.id);
  const products = await Promise.all(key.lines.map((line) => ctx.loaders.product.load(line.sku)));
  const basket = key.lines.map((line, i) => {
    const product = products[i];
    if (!product) throw new NotFoundError(`unknown product ${line.sku}`);
    return Object.assign(new BasketItem(), { sku: line.sku, quantity: line.quantity, category: product.category, listPrice: product.listPrice });
  });
  return Object.assign(new Quote(), { id: ref.id, basket });
}
