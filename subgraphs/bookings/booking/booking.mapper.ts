import { businessUnit, SiloDataError, type TouchPoint, calendarDate, columnsOf, isoFromEpochMillis, isoFromLocalDayAt, moneyFromCents, remember, touchPoint } from "../../../kit/subgraph";
import { channelOf, statusOf } from "../silo/codes";
import { Booking, type BookingStatus } from "./booking.type";

/** A `guest_stay` row joined with the two `hotel` columns its mapping needs. */
export interface StayRow {
  stay_id: string;
  guest_ref: string;
  hotel_code: string;
  arrive_date: string | Date;
  depart_date: string | Date;
  status_ltr: string;
  chan_cd: string;
  total_cents: number | string;
  currency: string;
  created_ms: number | string;
  tz_name: string;
  hotel_name: string;
}

/** What bookings' statements select for a stay (`guest_stay` joined with `hotel`): every field of StayRow. */
export const STAY_COLUMNS = columnsOf<StayRow>()([
  "guest_stay.stay_id",
  "guest_stay.guest_ref",
  "guest_stay.hotel_code",
  "guest_stay.arrive_date",
  "guest_stay.depart_date",
  "guest_stay.status_ltr",
  "guest_stay.chan_cd",
  "guest_stay.total_cents",
  "guest_stay.currency",
  "guest_stay.created_ms",
  "hotel.tz_name",
  "hotel.hotel_name",
]);

/** The hotel's house rules: the graph speaks instants, the silo only dates. */
export const CHECK_IN_TIME = "15:00";
export const CHECK_OUT_TIME = "11:00";
const DAY_MS = 86_400_000;

/** A local wall-clock time at the hotel to UTC; a zone the runtime does not know is the silo's fault. */
function atHotel(date: string, time: string, row: StayRow, where: string): string {
  try {
    return isoFromLocalDayAt(date, time, row.tz_name, where);
  } catch (err) {
    if (err instanceof RangeError) throw new SiloDataError(`${where}: unknown hotel time zone ${JSON.stringify(row.tz_name)}`);
    throw err;
  }
}

function daysBetween(from: string, to: string): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS);
}

/**
 * A day's UTC midnight (NaN for a day Date cannot read), worked out once per
 * day: Date.parse cost 0.2 µs a day, two for every stay mapped.
 */
function utcMidnight(day: string): number {
  return midnights.get(day) ?? remember(midnights, day, Date.parse(`${day}T00:00:00Z`), MOST_DAYS);
}
const midnights = new Map<string, number>();
const MOST_DAYS = 10_000;

export function toBooking(row: StayRow): Booking {
  const where = `bookings silo, booking ${row.stay_id}`;
  const arrive = calendarDate(row.arrive_date, `${where}, arrive_date`);
  const depart = calendarDate(row.depart_date, `${where}, depart_date`);
  const nights = daysBetween(arrive, depart);
  if (!(nights >= 1)) throw new SiloDataError(`${where}: depart_date ${depart} is not after arrive_date ${arrive}`);
  return Object.assign(new Booking(), {
    id: row.stay_id,
    checkIn: atHotel(arrive, CHECK_IN_TIME, row, `${where}, arrive_date`),
    checkOut: atHotel(depart, CHECK_OUT_TIME, row, `${where}, depart_date`),
    nights,
    status: statusOf(row.status_ltr, where),
    bookedVia: channelOf(row.chan_cd, where),
    bookedAt: isoFromEpochMillis(row.created_ms, `${where}, created_ms`),
    total: moneyFromCents(row.total_cents, row.currency, `${where}, total_cents`),
    customerId: row.guest_ref,
    propertyCode: row.hotel_code,
    propertyName: row.hotel_name,
    arriveDate: arrive,
  });
}

const STATUS_WORDS: Record<BookingStatus, string> = {
  CONFIRMED: "confirmed",
  CHECKED_IN: "checked in",
  COMPLETED: "completed",
  CANCELLED: "cancelled",
  NO_SHOW: "no-show",
};

export function bookingTouchPoint(booking: Booking): TouchPoint {
  return touchPoint({
    at: booking.bookedAt,
    unit: businessUnit("bookings"),
    channel: booking.bookedVia,
    kind: "booking",
    summary: `Booked ${booking.propertyName}, ${booking.nights} night${booking.nights === 1 ? "" : "s"} from ${booking.arriveDate} (${STATUS_WORDS[booking.status]})`,
    ref: booking.id,
  });
}
