import type { Migration } from "../../../kit/subgraph";

/**
 * Bookings' legacy schema, as the property-management system has it: money
 * as integer cents, stay dates as the hotel's local calendar dates (the zone
 * is on the hotel), creation times as epoch milliseconds, and one-letter
 * codes for status (C confirmed, I checked in, O checked out, X cancelled,
 * N no-show) and channel (W web, M mobile, S store, C call centre, P partner).
 */
export const bookingsMigrations: Record<string, Migration> = {
  "0001_hotels_stays_preferences": {
    async up(db) {
      await db.schema.createTable("hotel", (t) => {
        t.string("hotel_code", 8).primary();
        t.string("hotel_name", 120).notNullable();
        t.string("city", 80).notNullable();
        t.string("country_iso", 2).notNullable();
        t.string("tz_name", 64).notNullable();
      });
      await db.schema.createTable("guest_stay", (t) => {
        t.string("stay_id", 12).primary();
        t.string("guest_ref", 8).notNullable();
        t.string("hotel_code", 8).notNullable().references("hotel_code").inTable("hotel");
        t.date("arrive_date").notNullable();
        t.date("depart_date").notNullable();
        t.specificType("status_ltr", "char(1)").notNullable();
        t.specificType("chan_cd", "char(1)").notNullable();
        t.integer("total_cents").notNullable();
        t.specificType("currency", "char(3)").notNullable();
        t.bigInteger("created_ms").notNullable();
        t.index(["guest_ref", "created_ms"], "guest_stay_guest_created");
      });
      await db.schema.createTable("guest_pref", (t) => {
        t.increments("pref_id").primary();
        t.string("guest_ref", 8).notNullable();
        t.string("pref_text", 200).notNullable();
        t.bigInteger("noted_ms").notNullable();
        t.specificType("chan_cd", "char(1)").nullable();
        t.unique(["guest_ref", "pref_text"], { indexName: "guest_pref_guest_text" });
      });
    },
    async down(db) {
      await db.schema.dropTable("guest_pref");
      await db.schema.dropTable("guest_stay");
      await db.schema.dropTable("hotel");
    },
  },
  "0002_guest_event_out": {
    // Bookings' outbox (kit/events/outbox.ts), in its silo's conventions: epoch milliseconds, short names.
    async up(db) {
      await db.schema.createTable("guest_event_out", (t) => {
        t.increments("evt_seq").primary();
        t.string("guest_ref", 16).notNullable();
        t.string("evt_kind", 40).notNullable();
        t.bigInteger("noted_ms").notNullable();
        t.text("evt_json").notNullable();
        t.bigInteger("relayed_ms").nullable();
        t.index(["relayed_ms", "evt_seq"], "guest_event_out_unsent");
      });
    },
    async down(db) {
      await db.schema.dropTable("guest_event_out");
    },
  },
};
