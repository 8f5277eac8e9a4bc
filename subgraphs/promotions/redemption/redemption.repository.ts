import type { Knex } from "knex";
import { BusinessUnit, SiloDataError, type TouchPoint, groupBy, isoFromUtc, newestPerKey, parseChannel, touchPoint } from "../../../kit";
import { Redemption } from "./redemption.type";

interface RedemptionRow {
  redemption_id: number;
  customer_id: string;
  offer_code: string;
  channel: string;
  redeemed_at: string | Date | number;
}

export function toRedemption(row: RedemptionRow): Redemption {
  const where = `promotions silo, redemption ${row.redemption_id}`;
  const channel = parseChannel(row.channel);
  if (!channel) throw new SiloDataError(`${where}: unknown channel ${JSON.stringify(row.channel)}`);
  return Object.assign(new Redemption(), {
    id: String(row.redemption_id),
    customerId: row.customer_id,
    offerCode: row.offer_code,
    channel,
    redeemedAt: isoFromUtc(row.redeemed_at, `${where}, redeemed_at`),
  });
}

export function redemptionTouchPoint(r: Redemption): TouchPoint {
  return touchPoint({ at: r.redeemedAt, unit: BusinessUnit.PROMOTIONS, channel: r.channel, kind: "redemption", summary: `Redeemed offer ${r.offerCode}`, ref: r.id });
}

/** Redemptions in `promo_redemption`. */
export class RedemptionRepository {
  constructor(private readonly db: Knex) {}

  /** Newest first, at most `first` per customer. */
  async byCustomers(customerIds: readonly string[], first: number): Promise<Map<string, Redemption[]>> {
    const base = this.db("promo_redemption").select("promo_redemption.*").whereIn("customer_id", customerIds);
    const rows: RedemptionRow[] = await newestPerKey(this.db, base, "customer_id", [{ column: "redeemed_at", order: "desc" }, { column: "redemption_id", order: "desc" }], first);
    return groupBy(rows.map(toRedemption), (r) => r.customerId);
  }

  /** Codes of single-use offers each customer has used up (whatever their age). */
  async usedSingleUse(customerIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const rows: { customer_id: string; offer_code: string }[] = await this.db("promo_redemption")
      .distinct("customer_id", "offer_code")
      .whereIn("customer_id", customerIds)
      .whereNotNull("single_use_guard");
    const out = new Map<string, Set<string>>();
    for (const r of rows) {
      const set = out.get(r.customer_id) ?? new Set<string>();
      set.add(r.offer_code);
      out.set(r.customer_id, set);
    }
    return out;
  }
}
