import { businessUnit, Channel, Money, SiloDataError, type TouchPoint, columnsOf, moneyFromDecimal, toMinor, touchPoint } from "../../../kit/subgraph";
import { isoFromUtcWallTime } from "../silo/utc-time";
import { Order, OrderLine } from "./order.type";

/** Rows as the retail silo stores them. */
export interface OrderRow {
  order_no: string;
  customer_code: string;
  placed_utc: string | Date;
  sales_channel: string;
}

export interface OrderItemRow {
  order_no: string;
  item_seq: number;
  sku: string;
  qty: number | string;
  unit_price: string | number;
  /** From the product: the shop prices an order in its products' currency. */
  currency_code: string;
}

/** What retail's statements select from `rt_order`: every field of OrderRow. */
export const ORDER_COLUMNS = columnsOf<OrderRow>()(["rt_order.order_no", "rt_order.customer_code", "rt_order.placed_utc", "rt_order.sales_channel"]);

/** What retail's statements select for an item (`rt_order_item` joined with its product's currency): every field of OrderItemRow. */
export const ORDER_ITEM_COLUMNS = columnsOf<OrderItemRow>()(["rt_order_item.order_no", "rt_order_item.item_seq", "rt_order_item.sku", "rt_order_item.qty", "rt_order_item.unit_price", "rt_product.currency_code"]);

/** The shop's sales_channel words; a Map so that "constructor" is not a channel. */
const CHANNEL_BY_WORD = new Map<string, Channel>([
  ["web", Channel.WEB],
  ["app", Channel.MOBILE],
  ["store", Channel.STORE],
  ["phone", Channel.CALL_CENTER],
  ["partner", Channel.PARTNER],
]);
export const WORD_BY_CHANNEL = Object.fromEntries([...CHANNEL_BY_WORD].map(([word, channel]) => [channel, word])) as Record<Channel, string>;

export function toOrder(row: OrderRow): Order {
  const where = `retail silo, order ${row.order_no}`;
  const channel = CHANNEL_BY_WORD.get(row.sales_channel);
  if (!channel) throw new SiloDataError(`${where}: unknown sales_channel ${JSON.stringify(row.sales_channel)}`);
  return Object.assign(new Order(), {
    id: row.order_no,
    customerId: row.customer_code,
    placedAt: isoFromUtcWallTime(row.placed_utc, `${where}: placed_utc`),
    channel,
  });
}

export function toOrderLine(row: OrderItemRow): OrderLine {
  const where = `retail silo, order ${row.order_no} item ${row.item_seq}`;
  const quantity = Number(row.qty);
  if (!Number.isSafeInteger(quantity) || quantity < 1) throw new SiloDataError(`${where}: invalid qty ${JSON.stringify(row.qty)}`);
  const unitPrice = moneyFromDecimal(row.unit_price, row.currency_code, `${where}: unit_price`);
  return Object.assign(new OrderLine(), {
    orderId: row.order_no,
    seq: row.item_seq,
    sku: row.sku,
    quantity,
    unitPrice,
    lineTotal: Money.of(toMinor(unitPrice) * BigInt(quantity), unitPrice.currency),
  });
}

/**
 * The order's total, summed from its lines in integer minor units. The silo
 * keeps no currency or total on the order itself, so an order without lines,
 * or with lines in two currencies, has no total we could state honestly.
 */
export function orderTotal(order: Pick<Order, "id">, lines: readonly OrderLine[]): Money {
  const where = `retail silo, order ${order.id}`;
  if (lines.length === 0) throw new SiloDataError(`${where}: has no items, so its total has no currency`);
  const currency = lines[0].unitPrice.currency;
  if (lines.some((l) => l.unitPrice.currency !== currency)) throw new SiloDataError(`${where}: items in more than one currency`);
  return Money.of(
    lines.reduce((sum, l) => sum + toMinor(l.lineTotal), 0n),
    currency,
  );
}

export function orderTouchPoint(order: Order, lines: readonly OrderLine[]): TouchPoint {
  const items = lines.reduce((n, l) => n + l.quantity, 0);
  const total = orderTotal(order, lines);
  return touchPoint({
    at: order.placedAt,
    unit: businessUnit("retail"),
    channel: order.channel,
    kind: "order",
    summary: `Order ${order.id} placed: ${items} item${items === 1 ? "" : "s"}, ${total.amount} ${total.currency}`,
    ref: order.id,
  });
}
