import { expectReadsOnly } from "../../test/support/columns";
import { STAY_COLUMNS, toBooking } from "./booking/booking.mapper";
import { PREFERENCE_COLUMNS, toPreference } from "./preference/preference.mapper";

/** Bookings' statements select their lists, not `*`: each mapper reads only what its list names. */
describe("bookings' column lists", () => {
  it("name every field the stay mapper reads", () => {
    const row = {
      stay_id: "BK1",
      guest_ref: "C000001",
      hotel_code: "LIS01",
      arrive_date: "2025-01-10",
      depart_date: "2025-01-13",
      status_ltr: "C",
      chan_cd: "W",
      total_cents: 12990,
      currency: "EUR",
      created_ms: 1733041800000,
      tz_name: "Europe/Lisbon",
      hotel_name: "Harbour House",
    };
    expectReadsOnly(STAY_COLUMNS, toBooking, row);
  });

  it("name every field the preference mapper reads", () => {
    expectReadsOnly(PREFERENCE_COLUMNS, toPreference, { pref_id: 1, guest_ref: "C000001", pref_text: "quiet room", noted_ms: 1733041800000, chan_cd: "W" });
  });
});
