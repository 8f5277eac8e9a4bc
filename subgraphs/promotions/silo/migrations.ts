import type { Migration } from "../../../kit/subgraph";

/**
 * Promotions' schema: the campaign tool's tables. Amounts off are integer
 * minor units, validity is by UTC calendar date (inclusive), times are UTC
 * timestamps, tiers are lower-case words.
 */
export const promotionsMigrations: Record<string, Migration> = {
  "0001_offers_redemptions_consent": {
    async up(db) {
      await db.schema.createTable("promo_offer", (t) => {
        t.string("offer_code", 32).primary();
        t.string("headline", 120).notNullable();
        t.string("body_text", 500).notNullable();
        t.string("offer_kind", 8).notNullable();
        t.smallint("pct_off").nullable();
        t.integer("amount_off_minor").nullable();
        t.string("currency", 3).notNullable().defaultTo("EUR");
        t.string("scope_category", 40).nullable();
        t.string("scope_sku", 16).nullable();
        t.string("min_tier", 10).nullable();
        t.smallint("min_stays").nullable();
        t.boolean("needs_email_optin").notNullable().defaultTo(false);
        t.boolean("single_use").notNullable().defaultTo(false);
        t.boolean("is_public").notNullable().defaultTo(false);
        t.date("valid_from").notNullable();
        t.date("valid_to").nullable();
        // The price engine prices a product for a customer in one step, from
        // promotions' own data: a price offer may not depend on other units.
        t.check("offer_kind = 'ACCOUNT' or (min_tier is null and min_stays is null)", [], "price_offer_self_contained");
        t.check("offer_kind in ('PRICE', 'ACCOUNT')", [], "offer_kind_known");
      });
      await db.schema.createTable("promo_redemption", (t) => {
        t.increments("redemption_id").primary();
        t.string("customer_id", 16).notNullable();
        t.string("offer_code", 32).notNullable().references("offer_code").inTable("promo_offer");
        t.string("channel", 16).notNullable();
        t.timestamp("redeemed_at", { useTz: true }).notNullable();
        // Exactly-once, by the database: a retried request finds its key, and
        // a single-use offer can be redeemed once per customer, whichever
        // replica or channel asks.
        t.string("idempotency_key", 128).nullable().unique();
        t.string("single_use_guard", 64).nullable().unique();
        t.index(["customer_id", "redeemed_at"], "promo_redemption_customer");
      });
      await db.schema.createTable("promo_consent", (t) => {
        t.string("customer_id", 16).primary();
        t.boolean("email_ok").notNullable();
        t.boolean("sms_ok").notNullable();
        t.boolean("push_ok").notNullable();
        t.timestamp("updated_at", { useTz: true }).notNullable();
        t.string("updated_via", 16).nullable();
      });
      await db.schema.createTable("promo_consent_audit", (t) => {
        t.increments("audit_id").primary();
        t.string("customer_id", 16).notNullable();
        t.string("medium", 8).notNullable();
        t.boolean("granted").notNullable();
        t.timestamp("changed_at", { useTz: true }).notNullable();
        t.string("channel", 16).nullable();
        t.string("actor", 64).nullable();
        t.index(["customer_id", "changed_at"], "promo_consent_audit_customer");
      });
    },
    async down(db) {
      for (const table of ["promo_consent_audit", "promo_consent", "promo_redemption", "promo_offer"]) await db.schema.dropTable(table);
    },
  },
  "0002_promo_event_outbox": {
    // Promotions' outbox (kit/events/outbox.ts), in its silo's conventions: UTC timestamps, promo_ names.
    async up(db) {
      await db.schema.createTable("promo_event_outbox", (t) => {
        t.increments("event_id").primary();
        t.string("customer_id", 16).notNullable();
        t.string("event_kind", 40).notNullable();
        t.timestamp("occurred_at", { useTz: true }).notNullable();
        t.text("payload").notNullable();
        t.timestamp("published_at", { useTz: true }).nullable();
        t.index(["published_at", "event_id"], "promo_event_outbox_unsent");
      });
    },
    async down(db) {
      await db.schema.dropTable("promo_event_outbox");
    },
  },
};
