import type { Migration } from "../../../kit";

/** Care's silo schema. Times are UTC timestamps. */
export const careMigrations: Record<string, Migration> = {
  "0001_customers": {
    async up(db) {
      await db.schema.createTable("care_customer", (t) => {
        t.string("customer_ref", 16).primary();
        t.timestamp("first_contact_utc", { useTz: true }).notNullable();
      });
    },
    async down(db) {
      await db.schema.dropTable("care_customer");
    },
  },
};
