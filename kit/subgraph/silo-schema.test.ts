import type { Migration } from "./db";
import { describeGap, requiredSchema, schemaGap } from "./silo-schema";

const migrations: Record<string, Migration> = {
  "0001_first": {
    async up(db) {
      await db.schema.createTable("acct", (t) => {
        t.string("cust_no", 8).primary();
        t.decimal("credit_lim", 12, 2);
      });
    },
    async down(db) {
      await db.schema.dropTable("acct");
    },
  },
  "0002_second": {
    async up(db) {
      await db.schema.alterTable("acct", (t) => t.string("phone_no").nullable());
      await db.schema.createTable("inv", (t) => {
        t.string("inv_no").primary();
        t.check("inv_no <> ''", [], "inv_no_present");
      });
    },
    async down(db) {
      await db.schema.dropTable("inv");
    },
  },
};

describe("the schema a unit needs of its silo", () => {
  it("is what its migrations create, in order, without knex's bookkeeping", async () => {
    const required = await requiredSchema(migrations);
    expect([...required]).toEqual([
      ["acct", ["cust_no", "credit_lim", "phone_no"]],
      ["inv", ["inv_no"]],
    ]);
    expect(requiredSchema(migrations)).toBe(requiredSchema(migrations)); // derived once per process
  });

  it("names missing tables and columns, comparing names as the dialect does", () => {
    const required = new Map([
      ["acct", ["cust_no", "phone_no"]],
      ["inv", ["inv_no"]],
    ]);
    const actual = new Map([["ACCT", ["CUST_NO", "other"]]]);
    expect(schemaGap(required, actual, false)).toEqual({ tables: ["inv"], columns: ["acct.phone_no"] });
    expect(schemaGap(required, actual, true)).toEqual({ tables: ["acct", "inv"], columns: [] });
    expect(describeGap({ tables: ["inv"], columns: ["acct.phone_no"] })).toBe("tables inv; columns acct.phone_no");
    expect(describeGap(schemaGap(required, required, true))).toBe("");
  });
});
