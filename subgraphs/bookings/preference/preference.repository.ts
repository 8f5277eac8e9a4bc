import type { Knex } from "knex";
import { type Channel, type Outbox, Statements, TIMELINE_MAX, insertedId, isUniqueViolation } from "../../../kit/subgraph";
import { LETTER_BY_CHANNEL } from "../silo/codes";
import { PREFERENCE_COLUMNS, type PreferenceRow, toPreference } from "./preference.mapper";
import type { StayPreference } from "./preference.type";

/**
 * A guest has a handful of preferences, but the silo sets no limit; the
 * bound keeps one odd guest from making a response unbounded, and equals the
 * timeline's so the touch points built from this list are exact.
 */
export const PREFERENCES_MAX = TIMELINE_MAX;

/** Every statement bookings runs against `guest_pref`. */
export class PreferenceRepository {
  private readonly statements = new Statements();

  constructor(
    private readonly db: Knex,
    private readonly outbox: Outbox,
  ) {}

  /** Newest first, at most PREFERENCES_MAX per customer, for many customers in one statement. */
  async byCustomers(customerIds: readonly string[]): Promise<Map<string, StayPreference[]>> {
    const lists = await this.statements.newest<PreferenceRow>(
      this.db,
      "byCustomers",
      customerIds,
      {
        columns: PREFERENCE_COLUMNS,
        key: "guest_ref",
        orderBy: [
          { column: "noted_ms", order: "desc" },
          { column: "pref_id", order: "desc" },
        ],
        first: PREFERENCES_MAX,
      },
      (keys) => this.db("guest_pref").whereIn("guest_ref", keys),
    );
    return new Map([...lists].map(([customerId, rows]) => [customerId, rows.map(toPreference)]));
  }

  /**
   * Remembers a preference. Idempotent by the silo's unique (guest_ref,
   * pref_text): saying the same thing again keeps the first record (its
   * time and channel) and writes nothing, so it is no event either. A new
   * preference and its `stay-preference-set` event commit together.
   */
  async remember(customerId: string, text: string, channel: Channel, at: number): Promise<StayPreference> {
    const first = () => this.db("guest_pref").select(PREFERENCE_COLUMNS).where({ guest_ref: customerId, pref_text: text }).first() as Promise<PreferenceRow | undefined>;
    const known = await first();
    if (known) return toPreference(known);
    try {
      return await this.db.transaction(async (trx) => {
        const ids = await trx("guest_pref").insert({ guest_ref: customerId, pref_text: text, noted_ms: at, chan_cd: LETTER_BY_CHANNEL[channel] }, ["pref_id"]);
        const ref = String(insertedId(ids, "pref_id"));
        await this.outbox.record(trx, { at, kind: "stay-preference-set", customerId, channel, ref });
        const row: PreferenceRow = await trx("guest_pref").select(PREFERENCE_COLUMNS).where({ pref_id: ref }).first();
        return toPreference(row);
      });
    } catch (err) {
      // A concurrent request remembered the same text first: its record (and its event) stand.
      const winner = isUniqueViolation(err) ? await first() : undefined;
      if (winner) return toPreference(winner);
      throw err;
    }
  }
}
