import type { Knex } from "knex";
import { businessUnit, type Channel, type Outbox, SiloDataError, Statements, type TouchPoint, columnsOf, insertedId, isoFromUtc, parseChannel, touchPoint } from "../../../kit/subgraph";
import { Redemption } from "./redemption.type";

export interface RedemptionRow {
  redemption_id: number;
  customer_id: string;
  offer_code: string;
  channel: string;
  redeemed_at: string | Date | number;
}

/** What promotions' statements select from `promo_redemption`: every field of RedemptionRow (not its idempotency key or single-use guard). */
export const REDEMPTION_COLUMNS = columnsOf<RedemptionRow>()(["redemption_id", "customer_id", "offer_code", "channel", "redeemed_at"]);

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
  return touchPoint({ at: r.redeemedAt, unit: businessUnit("promotions"), channel: r.channel, kind: "redemption", summary: `Redeemed offer ${r.offerCode}`, ref: r.id });
}

/** Redemptions in `promo_redemption`. */
export class RedemptionRepository {
  private readonly statements = new Statements();

  constructor(
    private readonly db: Knex,
    private readonly outbox: Outbox,
  ) {}

  /** Newest first, at most `first` per customer. */
  async byCustomers(customerIds: readonly string[], first: number): Promise<Map<string, Redemption[]>> {
    const lists = await this.statements.newest<RedemptionRow>(
      this.db,
      "byCustomers",
      customerIds,
      {
        columns: REDEMPTION_COLUMNS,
        key: "customer_id",
        orderBy: [
          { column: "redeemed_at", order: "desc" },
          { column: "redemption_id", order: "desc" },
        ],
        first,
      },
      (keys) => this.db("promo_redemption").whereIn("customer_id", keys),
    );
    return new Map([...lists].map(([customerId, rows]) => [customerId, rows.map(toRedemption)]));
  }

  /** Codes of single-use offers each customer has used up (whatever their age). */
  async usedSingleUse(customerIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const rows = await this.statements.rows<{ customer_id: string; offer_code: string }>(this.db, "usedSingleUse", customerIds, (keys) =>
      this.db("promo_redemption").distinct("customer_id", "offer_code").whereIn("customer_id", keys).whereNotNull("single_use_guard"),
    );
    const out = new Map<string, Set<string>>();
    for (const r of rows) {
      const set = out.get(r.customer_id) ?? new Set<string>();
      set.add(r.offer_code);
      out.set(r.customer_id, set);
    }
    return out;
  }

  async byIdempotencyKey(key: string): Promise<Redemption | null> {
    const row: RedemptionRow | undefined = await this.db("promo_redemption").select(REDEMPTION_COLUMNS).where({ idempotency_key: key }).first();
    return row ? toRedemption(row) : null;
  }

  /**
   * Records a redemption in one transaction. The unique indexes make it
   * exactly-once whatever the number of replicas: `idempotency_key` (a retry
   * finds its first answer) and `single_use_guard` (a single-use offer, once
   * per customer). Consent is promotions' own and re-read here, inside the
   * transaction, so a withdrawal a moment earlier is honoured. Returns null
   * when consent is missing; lets a unique violation through to the caller.
   * The `offer-redeemed` event is recorded in the same transaction.
   */
  async record(r: { customerId: string; offerCode: string; channel: Channel; at: number; idempotencyKey: string | null; singleUse: boolean; needsEmailConsent: boolean }): Promise<Redemption | null> {
    return this.db.transaction(async (trx) => {
      if (r.needsEmailConsent) {
        const consent: { email_ok: boolean | number } | undefined = await trx("promo_consent").where({ customer_id: r.customerId }).first("email_ok");
        if (!consent || !Boolean(consent.email_ok)) return null;
      }
      const ids = await trx("promo_redemption").insert(
        {
          customer_id: r.customerId,
          offer_code: r.offerCode,
          channel: r.channel,
          redeemed_at: new Date(r.at),
          idempotency_key: r.idempotencyKey,
          single_use_guard: r.singleUse ? `${r.customerId}:${r.offerCode}` : null,
        },
        ["redemption_id"],
      );
      const row: RedemptionRow = await trx("promo_redemption")
        .select(REDEMPTION_COLUMNS)
        .where({ redemption_id: insertedId(ids, "redemption_id") })
        .first();
      const redemption = toRedemption(row);
      await this.outbox.record(trx, { at: r.at, kind: "offer-redeemed", customerId: r.customerId, channel: r.channel, ref: redemption.id });
      return redemption;
    });
  }
}
