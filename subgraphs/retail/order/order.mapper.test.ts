import { businessUnit, Channel, SiloDataError } from "../../../kit/subgraph";
import { type OrderItemRow, type OrderRow, WORD_BY_CHANNEL, orderTotal, orderTouchPoint, toOrder, toOrderLine } from "./order.mapper";

const buildOrderRow = (overrides: Partial<OrderRow> = {}): OrderRow => ({
  order_no: "ORD-0000042",
  customer_code: "C000001",
  placed_utc: "2026-10-03 14:12:00",
  sales_channel: "web",
  ...overrides,
});

const buildItemRow = (overrides: Partial<OrderItemRow> = {}): OrderItemRow => ({
  order_no: "ORD-0000042",
  item_seq: 1,
  sku: "SKU-0001",
  qty: 2,
  unit_price: "49.95",
  currency_code: "EUR",
  ...overrides,
});

describe("toOrder", () => {
  it.each([
    ["web", Channel.WEB],
    ["app", Channel.MOBILE],
    ["store", Channel.STORE],
    ["phone", Channel.CALL_CENTER],
    ["partner", Channel.PARTNER],
  ])("maps sales_channel %j to %s", (word, channel) => {
    expect(toOrder(buildOrderRow({ sales_channel: word })).channel).toBe(channel);
    expect(WORD_BY_CHANNEL[channel]).toBe(word);
  });

  it.each(["fax", "WEB", "", "constructor"])("rejects the unknown sales_channel %j with a SiloDataError naming the order", (word) => {
    expect(() => toOrder(buildOrderRow({ sales_channel: word }))).toThrow(SiloDataError);
    expect(() => toOrder(buildOrderRow({ sales_channel: word }))).toThrow(/^retail silo, order ORD-0000042: unknown sales_channel/);
  });

  it("reads placed_utc as UTC wall time, as text (SQLite, MySQL) or as a zone-less Date (node-postgres)", () => {
    expect(toOrder(buildOrderRow()).placedAt).toBe("2026-10-03T14:12:00.000Z");
    expect(toOrder(buildOrderRow({ placed_utc: new Date(2026, 9, 3, 14, 12, 0) })).placedAt).toBe("2026-10-03T14:12:00.000Z");
    expect(() => toOrder(buildOrderRow({ placed_utc: "yesterday" }))).toThrow(/^retail silo, order ORD-0000042: placed_utc: invalid UTC time/);
  });
});

describe("toOrderLine and orderTotal", () => {
  it("reads DECIMAL unit prices the same as a string or a number and multiplies in minor units", () => {
    const fromString = toOrderLine(buildItemRow({ unit_price: "0.10", qty: 3 }));
    const fromNumber = toOrderLine(buildItemRow({ unit_price: 0.1, qty: "3" }));
    expect(fromNumber).toEqual(fromString);
    // 0.1 * 3 in floating point is 0.30000000000000004; minor units make it exact.
    expect(fromString.lineTotal).toEqual({ amount: "0.30", currency: "EUR" });
  });

  it("sums an order's lines exactly", () => {
    const lines = [buildItemRow({ unit_price: "49.95", qty: 2 }), buildItemRow({ item_seq: 2, unit_price: 30, qty: 1 })].map(toOrderLine);
    expect(orderTotal({ id: "ORD-0000042" }, lines)).toEqual({ amount: "129.90", currency: "EUR" });
  });

  it("fails with a SiloDataError naming the order item on bad money or quantity", () => {
    expect(() => toOrderLine(buildItemRow({ unit_price: "12,5x" }))).toThrow(/^retail silo, order ORD-0000042 item 1: unit_price: invalid decimal amount/);
    expect(() => toOrderLine(buildItemRow({ unit_price: null as never }))).toThrow(SiloDataError);
    expect(() => toOrderLine(buildItemRow({ qty: 0 }))).toThrow(/^retail silo, order ORD-0000042 item 1: invalid qty/);
  });

  it("refuses a total it cannot state: no lines, or lines in two currencies", () => {
    expect(() => orderTotal({ id: "ORD-0000042" }, [])).toThrow(/^retail silo, order ORD-0000042: has no items/);
    const mixed = [buildItemRow(), buildItemRow({ item_seq: 2, currency_code: "GBP" })].map(toOrderLine);
    expect(() => orderTotal({ id: "ORD-0000042" }, mixed)).toThrow(SiloDataError);
  });
});

describe("orderTouchPoint", () => {
  it("summarises the order for the timeline", () => {
    const lines = [buildItemRow({ unit_price: "49.95", qty: 2 }), buildItemRow({ item_seq: 2, unit_price: "30.00", qty: 1 })].map(toOrderLine);
    expect(orderTouchPoint(toOrder(buildOrderRow({ sales_channel: "store" })), lines)).toEqual({
      at: "2026-10-03T14:12:00.000Z",
      unit: businessUnit("retail"),
      channel: Channel.STORE,
      kind: "order",
      summary: "Order ORD-0000042 placed: 3 items, 129.90 EUR",
      ref: "ORD-0000042",
    });
  });
});
