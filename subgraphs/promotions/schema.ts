import { type FederatedSchema, buildFederatedSchema, decodeQuoteKey } from "../../kit";
import type { PromotionsContext } from "./context";
import { CustomerChangeResolver } from "./change/change.resolver";
import { ConsentResolver } from "./consent/consent.resolver";
import { CustomerResolver, RedemptionResolver } from "./customer/customer.resolver";
import { RedeemResolver } from "./redemption/redemption.resolver";
import { SalesContactResolver } from "./customer/sales-contact";
import { Customer } from "./customer/customer.type";
import { OfferResolver } from "./offer/offer.resolver";
import { PriceResolver, resolveProductReference } from "./pricing/price.resolver";
import { QuoteResolver } from "./quote/quote.resolver";
import { Quote } from "./quote/quote.type";

/** Promotions' subgraph schema; needs no database, so composition can build it. */
export function buildPromotionsSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema(
    { resolvers: [OfferResolver, PriceResolver, CustomerResolver, RedemptionResolver, QuoteResolver, RedeemResolver, ConsentResolver, CustomerChangeResolver, SalesContactResolver], orphanedTypes: [Customer] },
    {
      Customer: { __resolveReference: (ref: Customer) => Object.assign(new Customer(), ref) },
      Offer: { __resolveReference: (ref: { code: string }, ctx: PromotionsContext) => ctx.loaders.offer.load(ref.code) },
      Product: { __resolveReference: resolveProductReference },
      // The customer a quote prices for is in its id; authorization reads it from there.
      Quote: { __resolveReference: (ref: Quote) => Object.assign(new Quote(), ref, { customerId: decodeQuoteKey(ref.id).customerId }) },
    },
  );
}
