import type { Migration, OutboxTable } from "../../../kit/subgraph";

/**
 * Care's legacy schema, as the service desk's CRM has it: cases keyed by a
 * prefixed case number ("CS-000042"), times as wall-clock local text with the
 * zone beside it in a column of its own (the desk that logged it, not the
 * server), one-letter states (N new, W in work, C closed), the CRM's own
 * channel words (DESK, TEL, WEBFORM, APP, PARTNER) and free-text outcomes.
 * `idem_key` makes each logged contact, and so each write, exactly-once.
 */
export const careMigrations: Record<string, Migration> = {
  "0001_cases_contacts": {
    async up(db) {
      await db.schema.createTable("crm_case", (t) => {
        // The sequence numbers the case; case_no is what people quote.
        t.increments("case_seq").primary();
        t.string("case_no", 16).notNullable().unique({ indexName: "crm_case_no" });
        t.string("cust_no", 16).notNullable();
        t.string("topic", 200).notNullable();
        t.string("opened_local", 19).notNullable();
        t.string("opened_tz", 64).notNullable();
        t.string("opened_via", 8).notNullable();
        t.specificType("state", "char(1)").notNullable();
        t.string("closed_local", 19).nullable();
        t.string("closed_tz", 64).nullable();
        t.text("resolution").nullable();
        t.index(["cust_no", "case_seq"], "crm_case_cust");
      });
      await db.schema.createTable("crm_contact", (t) => {
        t.increments("contact_id").primary();
        t.string("case_no", 16).notNullable().references("case_no").inTable("crm_case");
        t.string("logged_local", 19).notNullable();
        t.string("logged_tz", 64).notNullable();
        t.string("via", 8).notNullable();
        t.string("dir", 3).notNullable();
        t.string("kind", 40).notNullable();
        t.text("note").notNullable();
        t.text("outcome").nullable();
        t.string("idem_key", 128).nullable().unique({ indexName: "crm_contact_idem" });
        t.index(["case_no", "contact_id"], "crm_contact_case");
      });
    },
    async down(db) {
      await db.schema.dropTable("crm_contact");
      await db.schema.dropTable("crm_case");
    },
  },
  "0002_crm_event_outbox": {
    // Care's outbox (kit/events/outbox.ts): crm_ names like the CRM's tables; its moments are epoch
    // milliseconds, the relay's own bookkeeping (the CRM's local-time-and-zone pairs are for what people logged).
    async up(db) {
      await db.schema.createTable("crm_event_outbox", (t) => {
        t.increments("event_id").primary();
        t.string("cust_no", 16).notNullable();
        t.string("event_kind", 40).notNullable();
        t.bigInteger("occurred_ms").notNullable();
        t.text("payload").notNullable();
        t.bigInteger("published_ms").nullable();
        t.index(["published_ms", "event_id"], "crm_event_outbox_unsent");
      });
    },
    async down(db) {
      await db.schema.dropTable("crm_event_outbox");
    },
  },
};

/** The outbox table of migration 0002, as the relay reads it (moments as epoch milliseconds). */
export const careOutbox: OutboxTable = {
  table: "crm_event_outbox",
  columns: { seq: "event_id", customerId: "cust_no", kind: "event_kind", occurredAt: "occurred_ms", body: "payload", sentAt: "published_ms" },
  time: (utcMillis) => utcMillis,
};
