import type { Knex } from "knex";
import { type Channel, TIMELINE_MAX, groupBy, newestPerKey } from "../../../kit";
import { LETTER_BY_CHANNEL } from "../silo/codes";
import { type PreferenceRow, toPreference } from "./preference.mapper";
import type { StayPreference } from "./preference.type";

/**
 * A guest has a handful of preferences, but the silo sets no limit; the
 * bound keeps one odd guest from making a response unbounded, and equals the
 * timeline's so the touch points built from this list are exact.
 */
export const PREFERENCES_MAX = TIMELINE_MAX;

/** Every statement bookings runs against `guest_pref`. */
export class PreferenceRepository {
  constructor(private readonly db: Knex) {}

  /** Newest first, at most PREFERENCES_MAX per customer, for many customers in one statement. */
  async byCustomers(customerIds: readonly string[]): Promise<Map<string, StayPreference[]>> {
    const base = this.db("guest_pref").select("guest_pref.*").whereIn("guest_ref", customerIds);
    const rows: PreferenceRow[] = await newestPerKey(this.db, base, "guest_ref", [{ column: "noted_ms", order: "desc" }, { column: "pref_id", order: "desc" }], PREFERENCES_MAX);
    return groupBy(rows.map(toPreference), (p) => p.customerId);
  }

  /**
   * Remembers a preference. Idempotent by the silo's unique (guest_ref,
   * pref_text): saying the same thing again keeps the first record (its
   * time and channel) and writes nothing.
   */
  async remember(customerId: string, text: string, channel: Channel, at: number): Promise<StayPreference> {
    await this.db("guest_pref").insert({ guest_ref: customerId, pref_text: text, noted_ms: at, chan_cd: LETTER_BY_CHANNEL[channel] }).onConflict(["guest_ref", "pref_text"]).ignore();
    const row: PreferenceRow = await this.db("guest_pref").where({ guest_ref: customerId, pref_text: text }).first();
    return toPreference(row);
  }
}
