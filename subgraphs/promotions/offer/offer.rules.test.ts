import { LoyaltyTier } from "../../../kit/subgraph";
import { type OfferRow, toOffer } from "./offer.mapper";
import { type CustomerFacts, discountOf, isEligible, priceOf } from "./offer.rules";

const NOW = Date.parse("2026-11-26T12:00:00Z");

function buildOffer(overrides: Partial<OfferRow> = {}) {
  return toOffer({
    offer_code: "TEST",
    headline: "Test",
    body_text: "Test offer",
    offer_kind: "PRICE",
    pct_off: null,
    amount_off_minor: null,
    currency: "EUR",
    scope_category: null,
    scope_sku: null,
    min_tier: null,
    min_stays: null,
    needs_email_optin: 0,
    single_use: 0,
    is_public: 1,
    valid_from: "2024-01-01",
    valid_to: "2030-12-31",
    ...overrides,
  });
}

const facts = (overrides: Partial<CustomerFacts> = {}): CustomerFacts => ({ emailConsent: true, redeemed: new Set(), tier: null, stayCount: 0, ...overrides });
const product = { sku: "SKU-1", category: "Home", listMinor: 12990n, currency: "EUR" };

describe("price rules", () => {
  it("rounds percentages half up to the cent and never discounts below zero", () => {
    expect(discountOf(buildOffer({ pct_off: 15 }), 12990n)).toBe(1949n); // 19.485 -> 19.49
    expect(discountOf(buildOffer({ pct_off: 10 }), 4999n)).toBe(500n); // 4.999 -> 5.00
    expect(discountOf(buildOffer({ amount_off_minor: 500 }), 399n)).toBe(399n);
  });

  it("gives anonymous callers only public offers that need no consent", () => {
    const offers = [buildOffer({ offer_code: "PUBLIC5", pct_off: 5 }), buildOffer({ offer_code: "NEWS10", pct_off: 10, is_public: 0, needs_email_optin: 1 })];
    expect(priceOf(product, offers, null, NOW).appliedOffer?.code).toBe("PUBLIC5");
    expect(priceOf(product, offers, facts({ emailConsent: true }), NOW).appliedOffer?.code).toBe("NEWS10");
    expect(priceOf(product, offers, facts({ emailConsent: false }), NOW).appliedOffer?.code).toBe("PUBLIC5");
  });

  it("applies the best discount, list minus discount equals final, in exact decimals", () => {
    const price = priceOf(product, [buildOffer({ offer_code: "A", pct_off: 10 }), buildOffer({ offer_code: "B", amount_off_minor: 2000 })], facts(), NOW);
    expect(price).toMatchObject({ list: { amount: "129.90" }, discount: { amount: "20.00" }, final: { amount: "109.90" } });
    expect(price.appliedOffer?.code).toBe("B");
  });

  it("ignores offers scoped elsewhere, expired, or already used up", () => {
    const offers = [buildOffer({ offer_code: "OTHER", pct_off: 50, scope_category: "Books" }), buildOffer({ offer_code: "OLD", pct_off: 50, valid_to: "2025-12-31" }), buildOffer({ offer_code: "ONCE", pct_off: 30, single_use: 1 })];
    expect(priceOf(product, offers, facts({ redeemed: new Set(["ONCE"]) }), NOW).appliedOffer).toBeNull();
    expect(priceOf(product, offers, facts(), NOW).appliedOffer?.code).toBe("ONCE");
  });
});

describe("eligibility rules", () => {
  const gold = buildOffer({ offer_kind: "ACCOUNT", min_tier: "gold", is_public: 0 });
  const returning = buildOffer({ offer_kind: "ACCOUNT", min_stays: 3, is_public: 0 });

  it.each([
    [LoyaltyTier.SILVER, false],
    [LoyaltyTier.GOLD, true],
    [LoyaltyTier.PLATINUM, true],
    [null, false],
  ])("a Gold offer for tier %s is %s", (tier, expected) => {
    expect(isEligible(gold, facts({ tier }), NOW)).toBe(expected);
  });

  it("counts completed stays and treats unread facts as not qualifying", () => {
    expect(isEligible(returning, facts({ stayCount: 3 }), NOW)).toBe(true);
    expect(isEligible(returning, facts({ stayCount: 2 }), NOW)).toBe(false);
    expect(isEligible(returning, { emailConsent: true, redeemed: new Set() }, NOW)).toBe(false);
  });

  it("honours consent and validity windows to the millisecond", () => {
    const news = buildOffer({ needs_email_optin: 1, valid_from: "2026-11-26", valid_to: "2026-11-26" });
    expect(isEligible(news, facts({ emailConsent: false }), NOW)).toBe(false);
    expect(isEligible(news, facts(), Date.parse("2026-11-26T00:00:00.000Z"))).toBe(true);
    expect(isEligible(news, facts(), Date.parse("2026-11-26T23:59:59.999Z"))).toBe(true);
    expect(isEligible(news, facts(), Date.parse("2026-11-27T00:00:00.000Z"))).toBe(false);
  });

  it("rejects silo rows it cannot read", () => {
    expect(() => buildOffer({ offer_kind: "BOGUS" })).toThrow(/promotions silo, offer TEST: unknown offer_kind/);
    expect(() => buildOffer({ min_tier: "diamond" })).toThrow(/unknown min_tier/);
  });
});
