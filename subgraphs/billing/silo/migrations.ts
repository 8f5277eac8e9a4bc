import type { Migration } from "../../../kit/subgraph";

/**
 * Billing's legacy schema, as the finance system has it: abbreviated names,
 * DECIMAL money, local wall-clock DATETIMEs and numeric status codes
 * (10 open, 20 paid, 30 overdue, 90 void).
 */
export const billingMigrations: Record<string, Migration> = {
  "0001_accounts_and_invoices": {
    async up(db) {
      await db.schema.createTable("acct_holder", (t) => {
        t.string("cust_no", 8).primary();
        t.string("acct_no", 12).notNullable().unique();
        t.string("full_nm", 120).notNullable();
        t.string("email_addr", 190).notNullable().unique();
        t.string("phone_no", 40).nullable();
        t.string("acct_stat", 1).notNullable().defaultTo("A");
        t.string("curr_cd", 3).notNullable().defaultTo("EUR");
        t.decimal("credit_lim", 12, 2).notNullable().defaultTo(0);
        // Wall-clock time with no zone: knex would make a PostgreSQL dateTime
        // a timestamptz, which converts with the session's zone.
        t.dateTime("opened_local", { useTz: false }).notNullable();
      });
      await db.schema.createTable("inv_hdr", (t) => {
        t.string("inv_no", 16).primary();
        t.string("cust_no", 8).notNullable().references("cust_no").inTable("acct_holder");
        t.dateTime("issued_local", { useTz: false }).notNullable();
        t.date("due_date").notNullable();
        t.smallint("stat_cd").notNullable();
        t.decimal("total_amt", 12, 2).notNullable();
        t.string("curr_cd", 3).notNullable();
        t.index(["cust_no", "issued_local"], "inv_hdr_cust_issued");
      });
      await db.schema.createTable("inv_line", (t) => {
        t.string("inv_no", 16).notNullable().references("inv_no").inTable("inv_hdr");
        t.integer("line_no").notNullable();
        t.string("descr", 200).notNullable();
        t.decimal("line_amt", 12, 2).notNullable();
        t.string("bkg_ref", 16).nullable();
        t.string("ord_ref", 16).nullable();
        t.string("sku_ref", 16).nullable();
        t.primary(["inv_no", "line_no"]);
        t.index(["bkg_ref"], "inv_line_bkg");
        t.index(["ord_ref"], "inv_line_ord");
      });
    },
    async down(db) {
      await db.schema.dropTable("inv_line");
      await db.schema.dropTable("inv_hdr");
      await db.schema.dropTable("acct_holder");
    },
  },
  "0002_evt_outbox": {
    // Billing's outbox (kit/events/outbox.ts), in its silo's conventions: local wall-clock DATETIMEs, abbreviated names.
    async up(db) {
      await db.schema.createTable("evt_outbox", (t) => {
        t.increments("evt_no").primary();
        t.string("cust_no", 8).notNullable();
        t.string("evt_cd", 40).notNullable();
        t.dateTime("evt_local", { useTz: false }).notNullable();
        t.text("evt_body").notNullable();
        t.dateTime("sent_local", { useTz: false }).nullable();
        t.index(["sent_local", "evt_no"], "evt_outbox_unsent");
      });
    },
    async down(db) {
      await db.schema.dropTable("evt_outbox");
    },
  },
};
