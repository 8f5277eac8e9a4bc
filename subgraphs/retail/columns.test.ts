import { expectReadsOnly } from "../../test/support/columns";
import { ORDER_COLUMNS, ORDER_ITEM_COLUMNS, toOrder, toOrderLine } from "./order/order.mapper";

/** Retail's order statements select their lists, not `*`: each mapper reads only what its list names. */
describe("retail's column lists", () => {
  it("name every field the order mapper reads", () => {
    expectReadsOnly(ORDER_COLUMNS, toOrder, { order_no: "O1", customer_code: "C000001", placed_utc: "2025-01-10 09:30:00", sales_channel: "web" });
  });

  it("name every field the item mapper reads", () => {
    expectReadsOnly(ORDER_ITEM_COLUMNS, toOrderLine, { order_no: "O1", item_seq: 1, sku: "SKU1", qty: 2, unit_price: "9.90", currency_code: "EUR" });
  });
});
