import { Channel, SiloDataError } from "../../../kit/subgraph";
import { type StayRow, bookingTouchPoint, toBooking } from "./booking.mapper";
import { BookingStatus } from "./booking.type";

/** A Lisbon stay as the silo stores it; override what a test is about. */
function buildStayRow(overrides: Partial<StayRow> = {}): StayRow {
  return {
    stay_id: "BK0000009",
    guest_ref: "C000001",
    hotel_code: "LIS01",
    arrive_date: "2025-01-10",
    depart_date: "2025-01-13",
    status_ltr: "O",
    chan_cd: "W",
    total_cents: 12990,
    currency: "EUR",
    created_ms: Date.UTC(2024, 11, 1, 8, 30),
    tz_name: "Europe/Lisbon",
    hotel_name: "Harbour House Lisbon",
    ...overrides,
  };
}

describe("toBooking", () => {
  it.each([
    ["C", BookingStatus.CONFIRMED],
    ["I", BookingStatus.CHECKED_IN],
    ["O", BookingStatus.COMPLETED],
    ["X", BookingStatus.CANCELLED],
    ["N", BookingStatus.NO_SHOW],
  ])("reads status letter %s as %s", (letter, status) => {
    expect(toBooking(buildStayRow({ status_ltr: letter })).status).toBe(status);
  });

  it.each([
    ["W", Channel.WEB],
    ["M", Channel.MOBILE],
    ["S", Channel.STORE],
    ["C", Channel.CALL_CENTER],
    ["P", Channel.PARTNER],
  ])("reads channel letter %s as %s", (letter, channel) => {
    expect(toBooking(buildStayRow({ chan_cd: letter })).bookedVia).toBe(channel);
  });

  it("turns integer cents into the graph's decimal money and epoch millis into ISO UTC", () => {
    const booking = toBooking(buildStayRow({ total_cents: "12990", created_ms: "1733041800000" }));
    expect(booking.total).toEqual({ amount: "129.90", currency: "EUR" });
    expect(booking.bookedAt).toBe("2024-12-01T08:30:00.000Z");
  });

  it("places check-in at 15:00 and check-out at 11:00 hotel time, in winter and in summer", () => {
    const winter = toBooking(buildStayRow({ arrive_date: "2025-01-10", depart_date: "2025-01-13" }));
    expect(winter).toMatchObject({ checkIn: "2025-01-10T15:00:00.000Z", checkOut: "2025-01-13T11:00:00.000Z", nights: 3 });
    const summer = toBooking(buildStayRow({ arrive_date: "2025-07-10", depart_date: "2025-07-13" }));
    expect(summer).toMatchObject({ checkIn: "2025-07-10T14:00:00.000Z", checkOut: "2025-07-13T10:00:00.000Z", nights: 3 });
  });

  it("counts nights by calendar date across a daylight-saving change", () => {
    // Lisbon moves to summer time on 2025-03-30: the stay spans 47 hours, not 48.
    const booking = toBooking(buildStayRow({ arrive_date: "2025-03-29", depart_date: "2025-03-31" }));
    expect(booking).toMatchObject({ checkIn: "2025-03-29T15:00:00.000Z", checkOut: "2025-03-31T10:00:00.000Z", nights: 2 });
  });

  it("reads a DATE the PostgreSQL driver hands back as a local-midnight Date", () => {
    const booking = toBooking(buildStayRow({ arrive_date: new Date(2025, 6, 10), depart_date: new Date(2025, 6, 11) }));
    expect(booking).toMatchObject({ checkIn: "2025-07-10T14:00:00.000Z", nights: 1 });
  });

  it.each([
    [{ status_ltr: "Z" }, /^bookings silo, booking BK0000009: unknown status_ltr "Z"$/],
    [{ chan_cd: "?" }, /^bookings silo, booking BK0000009: unknown chan_cd "\?"$/],
    [{ depart_date: "2025-01-10" }, /^bookings silo, booking BK0000009: depart_date 2025-01-10 is not after arrive_date 2025-01-10$/],
    [{ depart_date: "2025-13-01" }, /^bookings silo, booking BK0000009: depart_date 2025-13-01 is not after arrive_date 2025-01-10$/],
    [{ tz_name: "Europe/Atlantis" }, /^bookings silo, booking BK0000009, arrive_date: unknown hotel time zone/],
    [{ total_cents: "12.99" }, /^bookings silo, booking BK0000009, total_cents: invalid amount in cents/],
  ])("fails with a SiloDataError naming the booking for %p", (overrides, message) => {
    const attempt = () => toBooking(buildStayRow(overrides));
    expect(attempt).toThrow(SiloDataError);
    expect(attempt).toThrow(message);
  });
});

describe("bookingTouchPoint", () => {
  it("dates the touch point by booking time and says what was booked", () => {
    expect(bookingTouchPoint(toBooking(buildStayRow({ arrive_date: "2025-05-12", depart_date: "2025-05-15" })))).toEqual({
      at: "2024-12-01T08:30:00.000Z",
      unit: "BOOKINGS",
      channel: "WEB",
      kind: "booking",
      summary: "Booked Harbour House Lisbon, 3 nights from 2025-05-12 (completed)",
      ref: "BK0000009",
    });
    expect(bookingTouchPoint(toBooking(buildStayRow({ depart_date: "2025-01-11", status_ltr: "N" }))).summary).toBe("Booked Harbour House Lisbon, 1 night from 2025-01-10 (no-show)");
  });
});
