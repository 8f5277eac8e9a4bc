import { type LoyaltyTier, Money, TIER_RANK } from "../../../kit/subgraph";
import { type Offer, OfferKind, Price } from "./offer.type";

/**
 * The one price and eligibility engine. `Customer.offers`, `Product.price`,
 * `quote` and (later) `redeemOffer` all decide with these functions, so no
 * two answers about the same customer can differ.
 */

/** What eligibility needs to know about a customer, read live from each unit. */
export interface CustomerFacts {
  /** Loyalty tier from retail (null: not a member). Absent when not read. */
  tier?: LoyaltyTier | null;
  /** Completed stays from bookings. Absent when not read. */
  stayCount?: number;
  /** Marketing e-mail consent, promotions' own. */
  emailConsent: boolean;
  /** Codes of single-use offers this customer already redeemed. */
  redeemed: ReadonlySet<string>;
}

export function isLive(offer: Offer, now: number): boolean {
  return offer.validFromMs <= now && (offer.validUntilMs === null || now <= offer.validUntilMs);
}

/**
 * Whether the customer may have the offer now. Facts that were not read
 * (tier, stays) never qualify: an offer is only shown when eligibility is
 * proven.
 */
export function isEligible(offer: Offer, facts: CustomerFacts, now: number): boolean {
  if (!isLive(offer, now)) return false;
  if (offer.singleUse && facts.redeemed.has(offer.code)) return false;
  if (offer.requiresEmailConsent && !facts.emailConsent) return false;
  if (offer.requiresTier && !(facts.tier && TIER_RANK[facts.tier] >= TIER_RANK[offer.requiresTier])) return false;
  if (offer.minStays && (facts.stayCount ?? 0) < offer.minStays) return false;
  return true;
}

export function appliesTo(offer: Offer, product: { sku: string; category: string }): boolean {
  if (offer.kind !== OfferKind.PRICE) return false;
  if (offer.sku) return offer.sku === product.sku;
  if (offer.category) return offer.category === product.category;
  return true;
}

/** What an offer takes off a list price: percentages round half up to the cent; never below zero. */
export function discountOf(offer: Offer, listMinor: bigint): bigint {
  let off = 0n;
  if (offer.percentOff) off = (listMinor * BigInt(offer.percentOff) + 50n) / 100n;
  else if (offer.amountOffMinor) off = offer.amountOffMinor;
  return off > listMinor ? listMinor : off;
}

/**
 * The price of one unit of a product. Without a customer only public offers
 * that need no consent apply (what anonymous callers and partners see);
 * with one, every price offer they are eligible for. The best discount wins;
 * ties go to the lowest code so the answer is stable.
 */
export function priceOf(product: { sku: string; category: string; listMinor: bigint; currency: string }, offers: readonly Offer[], facts: CustomerFacts | null, now: number): Price {
  let best: { offer: Offer; off: bigint } | null = null;
  for (const offer of offers) {
    if (!appliesTo(offer, product)) continue;
    const allowed = facts ? isEligible(offer, facts, now) : offer.public && !offer.requiresEmailConsent && isLive(offer, now);
    if (!allowed) continue;
    const off = discountOf(offer, product.listMinor);
    if (!best || off > best.off || (off === best.off && offer.code < best.offer.code)) best = { offer, off };
  }
  const off = best?.off ?? 0n;
  return Object.assign(new Price(), {
    list: Money.of(product.listMinor, product.currency),
    discount: Money.of(off, product.currency),
    final: Money.of(product.listMinor - off, product.currency),
    appliedOffer: best && best.off > 0n ? best.offer : null,
  });
}
