import DataLoader from "dataloader";
import { TIMELINE_MAX, byKey, listByKey } from "../../kit";
import { noConsent } from "./consent/consent.repository";
import type { ConsentRepository } from "./consent/consent.repository";
import type { MarketingConsent } from "./consent/consent.type";
import type { CustomerFacts } from "./offer/offer.rules";
import type { OfferRepository } from "./offer/offer.repository";
import type { Offer } from "./offer/offer.type";
import type { RedemptionRepository } from "./redemption/redemption.repository";

export interface PromotionsRepositories {
  offers: OfferRepository;
  redemptions: RedemptionRepository;
  consent: ConsentRepository;
}

/** Promotions' loaders, made fresh for every request. */
export function createLoaders(repos: PromotionsRepositories) {
  const consent = new DataLoader<string, MarketingConsent>(async (ids) => {
    const found = await repos.consent.byCustomers(ids);
    return ids.map((id) => found.get(id) ?? noConsent(id));
  });
  const usedSingleUse = new DataLoader<string, ReadonlySet<string>>(async (ids) => {
    const found = await repos.redemptions.usedSingleUse(ids);
    return ids.map((id) => found.get(id) ?? new Set<string>());
  });
  return {
    // One read of the catalogue per request, whatever asks for it.
    catalogue: new DataLoader<"all", Offer[]>(async (keys) => {
      const all = await repos.offers.all();
      return keys.map(() => all);
    }),
    offer: byKey((codes: readonly string[]) => repos.offers.byCodes(codes)),
    consent,
    consentHistory: listByKey((ids: readonly string[]) => repos.consent.historyTouchPoints(ids, TIMELINE_MAX)),
    redemptionsOf: listByKey((ids: readonly string[]) => repos.redemptions.byCustomers(ids, TIMELINE_MAX)),
    /** Promotions' own facts about a customer: consent and used-up offers. */
    facts: new DataLoader<string, CustomerFacts>(async (ids) => {
      const [consents, used] = await Promise.all([consent.loadMany(ids), usedSingleUse.loadMany(ids)]);
      return ids.map((_, i) => {
        const c = consents[i];
        const u = used[i];
        if (c instanceof Error) return c;
        if (u instanceof Error) return u;
        return { emailConsent: c.email, redeemed: u };
      });
    }),
  };
}

export type PromotionsLoaders = ReturnType<typeof createLoaders>;
