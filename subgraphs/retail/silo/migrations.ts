import type { Migration } from "../../../kit/subgraph";

/**
 * Retail's legacy schema, as the shop system has it: `rt_` tables, natural
 * keys (SKU-0001, ORD-0000001, M0000123), DECIMAL money with a CHAR(3)
 * currency on the product, DATETIMEs holding UTC wall time, sales channels
 * as lowercase words and loyalty tiers as one letter (B/S/G/P).
 */
export const retailMigrations: Record<string, Migration> = {
  "0001_products_orders_loyalty": {
    async up(db) {
      await db.schema.createTable("rt_product", (t) => {
        t.string("sku", 16).primary();
        t.string("title", 160).notNullable();
        t.string("category_name", 60).notNullable();
        t.decimal("list_price", 10, 2).notNullable();
        t.specificType("currency_code", "char(3)").notNullable();
        // Query.products filters by category and pages by sku.
        t.index(["category_name", "sku"], "rt_product_category");
      });
      await db.schema.createTable("rt_order", (t) => {
        t.string("order_no", 16).primary();
        t.string("customer_code", 8).notNullable();
        // useTz false: the shop writes UTC wall time into a zone-less DATETIME.
        t.dateTime("placed_utc", { useTz: false }).notNullable();
        t.string("sales_channel", 12).notNullable();
        t.index(["customer_code", "placed_utc"], "rt_order_customer_placed");
      });
      await db.schema.createTable("rt_order_item", (t) => {
        t.string("order_no", 16).notNullable().references("order_no").inTable("rt_order");
        t.integer("item_seq").notNullable();
        t.string("sku", 16).notNullable().references("sku").inTable("rt_product");
        t.integer("qty").notNullable();
        t.decimal("unit_price", 10, 2).notNullable();
        t.primary(["order_no", "item_seq"]);
      });
      await db.schema.createTable("rt_loyalty", (t) => {
        t.string("member_no", 10).primary();
        t.string("customer_code", 8).notNullable().unique();
        t.specificType("tier_letter", "char(1)").notNullable();
        t.integer("points_balance").notNullable().defaultTo(0);
        t.dateTime("enrolled_utc", { useTz: false }).notNullable();
      });
    },
    async down(db) {
      await db.schema.dropTable("rt_loyalty");
      await db.schema.dropTable("rt_order_item");
      await db.schema.dropTable("rt_order");
      await db.schema.dropTable("rt_product");
    },
  },
  "0002_rt_event_outbox": {
    // Retail's outbox (kit/events/outbox.ts), in its silo's conventions: UTC DATETIMEs, rt_ names.
    async up(db) {
      await db.schema.createTable("rt_event_outbox", (t) => {
        t.increments("event_id").primary();
        t.string("customer_code", 8).notNullable();
        t.string("event_type", 40).notNullable();
        t.dateTime("occurred_utc", { useTz: false }).notNullable();
        t.text("payload").notNullable();
        t.dateTime("published_utc", { useTz: false }).nullable();
        t.index(["published_utc", "event_id"], "rt_event_outbox_unsent");
      });
    },
    async down(db) {
      await db.schema.dropTable("rt_event_outbox");
    },
  },
};
