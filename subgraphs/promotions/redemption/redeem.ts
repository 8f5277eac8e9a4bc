import { BadUserInputError, type Channel, ConflictError, type GraphReader, NotEligibleError, NotFoundError, TIER_RANK, type LoyaltyTier, isUniqueViolation } from "../../../kit/subgraph";
import type { OfferRepository } from "../offer/offer.repository";
import { isLive } from "../offer/offer.rules";
import type { Offer } from "../offer/offer.type";
import type { RedemptionRepository } from "./redemption.repository";
import type { Redemption } from "./redemption.type";

export interface RedeemRequest {
  customerId: string;
  code: string;
  idempotencyKey: string | null;
  channel: Channel;
  requestId: string;
  /** The caller's credential: eligibility is read with their own rights. */
  authorization?: string;
  now: number;
}

/** What the graph says about the customer, from the same resolvers every channel reads. */
interface CustomerView {
  customer: null | {
    offers: { code: string }[];
    stayCount: number;
    loyalty: { tier: LoyaltyTier } | null;
    consent: { email: boolean };
    redemptions: { offer: { code: string } }[];
  };
}

const VIEW = `query RedeemCheck($id: ID!) { customer(id: $id) { offers { code } stayCount loyalty { tier } consent { email } redemptions { offer { code } } } }`;

/**
 * Redeeming an offer, exactly once. Eligibility is `Customer.offers` itself,
 * read through the graph (so the tier and stay count come live from retail
 * and bookings via `@requires`, exactly as every channel sees them); the
 * write is guarded by the silo's unique constraints, not by process memory.
 */
export class Redeemer {
  constructor(
    private readonly offers: OfferRepository,
    private readonly redemptions: RedemptionRepository,
    private readonly graph: GraphReader,
  ) {}

  async redeem(req: RedeemRequest): Promise<Redemption> {
    try {
      return await this.attempt(req);
    } catch (err) {
      // A retry of a request that already succeeded (perhaps concurrently)
      // gets that first answer, whatever this attempt ran into.
      const first = req.idempotencyKey ? await this.redemptions.byIdempotencyKey(req.idempotencyKey) : null;
      if (first) return this.replay(first, req);
      throw err;
    }
  }

  private async attempt(req: RedeemRequest): Promise<Redemption> {
    if (req.idempotencyKey) {
      const first = await this.redemptions.byIdempotencyKey(req.idempotencyKey);
      if (first) return this.replay(first, req);
    }
    const offer = (await this.offers.byCodes([req.code])).get(req.code);
    if (!offer) throw new NotFoundError(`unknown offer ${req.code}`);
    const view = await this.graph.read<CustomerView>(VIEW, { id: req.customerId }, req);
    if (!view.customer) throw new NotFoundError(`unknown customer ${req.customerId}`);
    if (!view.customer.offers.some((o) => o.code === req.code)) {
      // The view is read in several fetches (`offers` waits for other units'
      // data, `redemptions` does not): a concurrent redemption committed
      // between them hides the offer without being listed. Promotions' own
      // silo settles whether a single-use offer is used up.
      const usedUp = offer.singleUse && Boolean((await this.redemptions.usedSingleUse([req.customerId])).get(req.customerId)?.has(offer.code));
      this.refuse(offer, view.customer, req.now, usedUp);
    }
    try {
      const recorded = await this.redemptions.record({
        customerId: req.customerId,
        offerCode: offer.code,
        channel: req.channel,
        at: req.now,
        idempotencyKey: req.idempotencyKey,
        singleUse: offer.singleUse,
        needsEmailConsent: offer.requiresEmailConsent,
      });
      if (!recorded) throw new NotEligibleError(`offer ${offer.code} is not available to ${req.customerId}`, ["needs marketing e-mail consent"]);
      return recorded;
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`offer ${offer.code} was already redeemed by ${req.customerId}; it can be redeemed once`);
      throw err;
    }
  }

  private replay(first: Redemption, req: RedeemRequest): Redemption {
    if (first.customerId !== req.customerId || first.offerCode !== req.code) {
      throw new BadUserInputError(`idempotency key ${req.idempotencyKey} was already used for another redemption (${first.offerCode} for ${first.customerId})`, "idempotencyKey");
    }
    return first;
  }

  /** Says why an offer is not in the customer's offers; a used-up offer is a conflict. */
  private refuse(offer: Offer, customer: NonNullable<CustomerView["customer"]>, now: number, usedUp: boolean): never {
    if (usedUp || (offer.singleUse && customer.redemptions.some((r) => r.offer.code === offer.code))) {
      throw new ConflictError(`offer ${offer.code} was already redeemed by this customer; it can be redeemed once`);
    }
    const reasons: string[] = [];
    if (!isLive(offer, now)) reasons.push(`not valid now (valid ${offer.validFrom} to ${offer.validUntil ?? "open-ended"})`);
    const tier = customer.loyalty?.tier;
    if (offer.requiresTier && !(tier && TIER_RANK[tier] >= TIER_RANK[offer.requiresTier])) reasons.push(`needs loyalty tier ${offer.requiresTier} (customer: ${tier ?? "not a member"})`);
    if (offer.minStays && customer.stayCount < offer.minStays) reasons.push(`needs ${offer.minStays} completed stays (customer: ${customer.stayCount})`);
    if (offer.requiresEmailConsent && !customer.consent.email) reasons.push("needs marketing e-mail consent");
    throw new NotEligibleError(`offer ${offer.code} is not available to this customer`, reasons.length ? reasons : ["not in the customer's offers"]);
  }
}
