import { businessUnit, type TouchPoint, columnsOf, isoFromEpochMillis, touchPoint } from "../../../kit/subgraph";
import { channelOf } from "../silo/codes";
import { StayPreference } from "./preference.type";

/** A `guest_pref` row. */
export interface PreferenceRow {
  pref_id: number | string;
  guest_ref: string;
  pref_text: string;
  noted_ms: number | string;
  chan_cd: string | null;
}

/** What bookings' statements select from `guest_pref`: every field of PreferenceRow. */
export const PREFERENCE_COLUMNS = columnsOf<PreferenceRow>()(["pref_id", "guest_ref", "pref_text", "noted_ms", "chan_cd"]);

export function toPreference(row: PreferenceRow): StayPreference {
  const where = `bookings silo, preference ${row.pref_id}`;
  return Object.assign(new StayPreference(), {
    id: String(row.pref_id),
    preference: row.pref_text,
    notedAt: isoFromEpochMillis(row.noted_ms, `${where}, noted_ms`),
    // Older rows predate channel recording: null is "unknown", not an error.
    channel: row.chan_cd === null ? null : channelOf(row.chan_cd, where),
    customerId: row.guest_ref,
  });
}

export function preferenceTouchPoint(preference: StayPreference): TouchPoint {
  return touchPoint({
    at: preference.notedAt,
    unit: businessUnit("bookings"),
    channel: preference.channel,
    kind: "preference",
    summary: `Stay preference noted: "${preference.preference}"`,
    ref: preference.id,
  });
}
