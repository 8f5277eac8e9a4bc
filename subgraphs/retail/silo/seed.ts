import type { Knex } from "knex";
import { minorToDecimalString } from "../../../kit/subgraph";
import type { World } from "../../../demo/world";
import { LETTER_BY_TIER } from "../loyalty/loyalty.mapper";
import { WORD_BY_CHANNEL } from "../order/order.mapper";
import { utcWallTime } from "./utc-time";

const decimal = (cents: number) => minorToDecimalString(BigInt(cents));

/** Retail's slice of the demo world, in retail's conventions. */
export async function seedRetail(db: Knex, world: World): Promise<void> {
  // The shop numbers members in the order they enrolled.
  const members = [...world.members].sort((a, b) => a.joinedAt - b.joinedAt || a.customerId.localeCompare(b.customerId));
  await db.transaction(async (trx) => {
    await trx.batchInsert(
      "rt_product",
      world.products.map((p) => ({ sku: p.sku, title: p.name, category_name: p.category, list_price: decimal(p.priceCents), currency_code: "EUR" })),
      200,
    );
    await trx.batchInsert(
      "rt_order",
      world.orders.map((o) => ({ order_no: o.id, customer_code: o.customerId, placed_utc: utcWallTime(o.placedAt), sales_channel: WORD_BY_CHANNEL[o.channel] })),
      200,
    );
    await trx.batchInsert(
      "rt_order_item",
      world.orders.flatMap((o) => o.lines.map((l, i) => ({ order_no: o.id, item_seq: i + 1, sku: l.sku, qty: l.quantity, unit_price: decimal(l.unitCents) }))),
      200,
    );
    await trx.batchInsert(
      "rt_loyalty",
      members.map((m, i) => ({
        member_no: `M${String(i + 1).padStart(7, "0")}`,
        customer_code: m.customerId,
        tier_letter: LETTER_BY_TIER[m.tier],
        points_balance: m.points,
        enrolled_utc: utcWallTime(m.joinedAt),
      })),
      200,
    );
  });
}
