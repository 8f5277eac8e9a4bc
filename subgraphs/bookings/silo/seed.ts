import type { Knex } from "knex";
import { Channel } from "../../../kit/subgraph";
import { HOTELS } from "../../../demo/catalogue";
import type { World } from "../../../demo/world";
import { BookingStatus } from "../booking/booking.type";
import { LETTER_BY_CHANNEL, LETTER_BY_STATUS } from "./codes";

const DAY_MS = 86_400_000;

/** The hotel's calendar date `nights` after `arrive` (both 'YYYY-MM-DD'). */
function departDate(arrive: string, nights: number): string {
  return new Date(Date.parse(`${arrive}T00:00:00Z`) + nights * DAY_MS).toISOString().slice(0, 10);
}

/** Bookings' slice of the demo world, in bookings' conventions. */
export async function seedBookings(db: Knex, world: World): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.batchInsert(
      "hotel",
      HOTELS.map((h) => ({ hotel_code: h.code, hotel_name: h.name, city: h.city, country_iso: h.country, tz_name: h.timeZone })),
      200,
    );
    await trx.batchInsert(
      "guest_stay",
      world.stays.map((s) => ({
        stay_id: s.id,
        guest_ref: s.customerId,
        hotel_code: s.hotelCode,
        arrive_date: s.arrive,
        depart_date: departDate(s.arrive, s.nights),
        status_ltr: LETTER_BY_STATUS[BookingStatus[s.status]],
        chan_cd: LETTER_BY_CHANNEL[Channel[s.channel]],
        total_cents: s.totalCents,
        currency: "EUR",
        created_ms: s.bookedAt,
      })),
      200,
    );
    await trx.batchInsert(
      "guest_pref",
      world.preferences.map((p) => ({ guest_ref: p.customerId, pref_text: p.text, noted_ms: p.at, chan_cd: LETTER_BY_CHANNEL[Channel[p.channel]] })),
      200,
    );
  });
}
