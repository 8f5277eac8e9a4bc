import DataLoader from "dataloader";
import { type ContextOf, TIMELINE_MAX, byKey, decodeQuoteKey, defineUnit, listByKey } from "../../kit/subgraph";
import { generateWorld } from "../../demo/world";
import { CustomerChangeResolver } from "./change/change.resolver";
import { ConsentRepository, noConsent } from "./consent/consent.repository";
import { ConsentResolver } from "./consent/consent.resolver";
import type { MarketingConsent } from "./consent/consent.type";
import { CustomerResolver, RedemptionResolver } from "./customer/customer.resolver";
import { Customer } from "./customer/customer.type";
import { SalesContactResolver } from "./customer/sales-contact";
import { OfferRepository } from "./offer/offer.repository";
import { OfferResolver } from "./offer/offer.resolver";
import type { CustomerFacts } from "./offer/offer.rules";
import type { Offer } from "./offer/offer.type";
import { PriceResolver, resolveProductReference } from "./pricing/price.resolver";
import { QuoteResolver } from "./quote/quote.resolver";
import { Quote } from "./quote/quote.type";
import { Redeemer } from "./redemption/redeem";
import { RedemptionRepository } from "./redemption/redemption.repository";
import { RedeemResolver } from "./redemption/redemption.resolver";
import { promotionsMigrations } from "./silo/migrations";
import { promotionsOutbox } from "./silo/outbox";
import { seedPromotions } from "./silo/seed";

/** Promotions: offers, prices (the one price engine), quotes, redemptions and marketing consent. Defaults run the embedded SQLite silo under ./data. */
export const unit = defineUnit({
  name: "promotions",
  port: 4004,
  // Checks writes that depend on other units (is this offer in the customer's offers?).
  readsGraph: true,
  silo: { migrations: promotionsMigrations, outbox: promotionsOutbox, seedProbeTable: "promo_offer", seed: (db, seed) => seedPromotions(db, generateWorld(seed)) },
  schema: {
    resolvers: [OfferResolver, PriceResolver, CustomerResolver, RedemptionResolver, QuoteResolver, RedeemResolver, ConsentResolver, CustomerChangeResolver, SalesContactResolver],
    orphanedTypes: [Customer],
    references: {
      Customer: { __resolveReference: (ref: Customer) => Object.assign(new Customer(), ref) },
      Offer: { __resolveReference: (ref: { code: string }, ctx: PromotionsContext) => ctx.loaders.offer.load(ref.code) },
      Product: { __resolveReference: resolveProductReference },
      // The customer a quote prices for is in its id; authorization reads it from there.
      Quote: { __resolveReference: (ref: Quote) => Object.assign(new Quote(), ref, { customerId: decodeQuoteKey(ref.id).customerId }) },
    },
  },
  repositories: ({ db, outbox, graph }) => {
    const offers = new OfferRepository(db);
    const redemptions = new RedemptionRepository(db, outbox);
    // The redeemer is stateless, so it is made once at start-up rather than on every request.
    return { offers, redemptions, consent: new ConsentRepository(db, outbox), redeemer: new Redeemer(offers, redemptions, graph) };
  },
  loaders: (repos) => {
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
  },
  context: ({ bus, clock }, repos) => ({
    /** One instant per request, so every offer in a response is judged at the same moment. */
    now: clock(),
    redeemer: repos.redeemer,
    /** The event broker, for `customerChanged` subscribers. */
    bus,
  }),
});

/** A request's context in promotions, as the kit builds it from the declaration above. */
export type PromotionsContext = ContextOf<typeof unit>;
