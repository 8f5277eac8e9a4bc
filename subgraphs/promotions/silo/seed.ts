import type { Knex } from "knex";
import { OFFERS } from "../../../demo/catalogue";
import type { World } from "../../../demo/world";

/** Promotions' slice of the demo world, in promotions' conventions. */
export async function seedPromotions(db: Knex, world: World): Promise<void> {
  const singleUse = new Set(OFFERS.filter((o) => o.singleUse).map((o) => o.code));
  const utc = (ms: number) => new Date(ms);
  await db.transaction(async (trx) => {
    await trx.batchInsert(
      "promo_offer",
      OFFERS.map((o) => ({
        offer_code: o.code,
        headline: o.title,
        body_text: o.description,
        offer_kind: o.kind,
        pct_off: o.percentOff ?? null,
        amount_off_minor: o.amountOffCents ?? null,
        currency: "EUR",
        scope_category: o.category ?? null,
        scope_sku: o.sku ?? null,
        min_tier: o.minTier?.toLowerCase() ?? null,
        min_stays: o.minStays ?? null,
        needs_email_optin: o.needsEmailConsent ?? false,
        single_use: o.singleUse,
        is_public: o.isPublic,
        valid_from: o.validFrom,
        valid_to: o.validUntil,
      })),
      100,
    );
    await trx.batchInsert(
      "promo_redemption",
      world.redemptions.map((r) => ({
        customer_id: r.customerId,
        offer_code: r.code,
        channel: r.channel,
        redeemed_at: utc(r.at),
        idempotency_key: null,
        single_use_guard: singleUse.has(r.code) ? `${r.customerId}:${r.code}` : null,
      })),
      200,
    );
    await trx.batchInsert(
      "promo_consent",
      world.customers.map((c) => ({ customer_id: c.id, email_ok: c.consent.email, sms_ok: c.consent.sms, push_ok: c.consent.push, updated_at: utc(c.consent.at), updated_via: c.consent.via })),
      200,
    );
    await trx.batchInsert(
      "promo_consent_audit",
      world.customers.flatMap((c) => (["email", "sms", "push"] as const).map((medium) => ({ customer_id: c.id, medium, granted: c.consent[medium], changed_at: utc(c.consent.at), channel: c.consent.via, actor: "customer" }))),
      200,
    );
  });
}
