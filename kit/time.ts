import { SiloDataError } from "./errors";
import { remember } from "./remember";

/**
 * Silos keep time their own way: epoch numbers, UTC text, or wall-clock
 * local time in the unit's time zone. The graph speaks ISO-8601 in UTC with
 * millisecond precision ("2025-03-01T09:30:00.000Z"), mapped here.
 */

export function isoFromEpochMillis(value: unknown, where: string): string {
  const ms = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof ms !== "number" || !Number.isFinite(ms)) throw new SiloDataError(`${where}: invalid epoch time ${JSON.stringify(value)}`);
  return isoOfEpoch(ms);
}

/** `new Date(ms).toISOString()`, read once per instant. */
function isoOfEpoch(ms: number): string {
  return readEpoch.get(ms) ?? remember(readEpoch, ms, new Date(ms).toISOString(), MOST_READINGS);
}

/**
 * A UTC timestamp as a driver returns it: a Date (pg), text (mysql2 with
 * dateStrings, SQLite) or epoch milliseconds (knex writes Dates to SQLite
 * as numbers).
 */
export function isoFromUtc(value: unknown, where: string): string {
  if (typeof value === "number" && Number.isFinite(value)) return isoOfEpoch(value);
  if (value instanceof Date && !Number.isNaN(value.getTime())) return isoOfEpoch(value.getTime());
  if (typeof value === "string") {
    const known = readUtc.get(value);
    if (known !== undefined) return known;
    const normalised = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(" ", "T")}Z`;
    const date = new Date(normalised);
    if (!Number.isNaN(date.getTime())) return remember(readUtc, value, date.toISOString(), MOST_READINGS);
  }
  throw new SiloDataError(`${where}: invalid UTC time ${JSON.stringify(value)}`);
}

/**
 * Times already read, by the silo's text (and zone): reading one is a pure
 * function of them, and a unit reads the same rows' times over and over
 * (billing's invoices: 1.5 µs a time, of about 3.5 µs a mapped invoice).
 * No data is kept, only how a text reads; a full table starts again.
 */
const readUtc = new Map<string, string>();
/**
 * Epoch times read, and UTC instants (numbers and Dates) by their epoch time:
 * Date's toISOString costs 0.7 µs on Node 20, a reading kept 0.06 µs. On the
 * 50-customer page that was 2.7% of bookings' CPU (its stays), and read anew
 * it was the most of promotions' time reading (consent and redemption times,
 * numbers on SQLite).
 */
const readEpoch = new Map<number, string>();
const readLocal = new Map<string, Map<string, string>>();
const MOST_READINGS = 50_000;

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
/**
 * Offsets by zone, asked of Intl once per UTC day: a zone changes offset at
 * most once a day, so a day whose first and last quarter hours agree has one
 * offset throughout. A day with a change in it (two a year) keeps offsets by
 * quarter hour of UTC (zones change offset only at whole quarter hours).
 * Asking Intl is the dearest step of reading a local time.
 */
const DAY = 86_400_000;
const QUARTER_HOUR = 15 * 60_000;
const CHANGES = Number.NaN;
interface ZoneOffsets {
  byDay: Map<number, number>;
  byQuarter: Map<number, number>;
}
const offsets = new Map<string, ZoneOffsets>();
const MOST_OFFSETS = 100_000;

/** Offset of `timeZone` from UTC at the instant `utcMillis`, in minutes. */
function zoneOffsetMinutes(utcMillis: number, timeZone: string): number {
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = { byDay: new Map(), byQuarter: new Map() }));
  const day = Math.floor(utcMillis / DAY);
  let offset = zone.byDay.get(day);
  if (offset === undefined) {
    const first = askedOffsetMinutes(day * DAY, timeZone);
    offset = first === askedOffsetMinutes((day + 1) * DAY - QUARTER_HOUR, timeZone) ? first : CHANGES;
    if (zone.byDay.size >= MOST_OFFSETS) zone.byDay.clear();
    zone.byDay.set(day, offset);
  }
  if (!Number.isNaN(offset)) return offset;
  const quarter = Math.floor(utcMillis / QUARTER_HOUR);
  offset = zone.byQuarter.get(quarter);
  if (offset === undefined) {
    offset = askedOffsetMinutes(quarter * QUARTER_HOUR, timeZone);
    if (zone.byQuarter.size >= MOST_OFFSETS) zone.byQuarter.clear();
    zone.byQuarter.set(quarter, offset);
  }
  return offset;
}

function askedOffsetMinutes(utcMillis: number, timeZone: string): number {
  let fmt = offsetFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    offsetFormatters.set(timeZone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(new Date(utcMillis)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return Math.round((asUtc - Math.floor(utcMillis / 1000) * 1000) / 60000);
}

/**
 * Wall-clock local time ("2025-03-30 02:30:00") in `timeZone` to UTC.
 * Two passes settle the offset across daylight-saving changes.
 */
export function localToUtcMillis(local: string, timeZone: string, where: string): number {
  const m = LOCAL.exec(local.trim());
  if (!m) throw new SiloDataError(`${where}: invalid local time ${JSON.stringify(local)}`);
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  let utc = wall - zoneOffsetMinutes(wall, timeZone) * 60000;
  utc = wall - zoneOffsetMinutes(utc, timeZone) * 60000;
  return utc;
}

export function isoFromLocal(value: unknown, timeZone: string, where: string): string {
  // Drivers may hand a DATETIME back as a Date built in the process's zone;
  // read its wall-clock fields back rather than trusting that zone.
  const text = value instanceof Date ? `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())} ${pad(value.getHours())}:${pad(value.getMinutes())}:${pad(value.getSeconds())}` : value;
  if (typeof text !== "string") throw new SiloDataError(`${where}: invalid local time ${JSON.stringify(value)}`);
  let readings = readLocal.get(timeZone);
  if (!readings) readLocal.set(timeZone, (readings = new Map()));
  return readings.get(text) ?? remember(readings, text, new Date(localToUtcMillis(text, timeZone, where)).toISOString(), MOST_READINGS);
}

/**
 * A wall-clock time of a calendar day in `timeZone` (a due date's last
 * second, a hotel's check-in): isoFromLocal of `${day} ${time}` for the
 * day of a DATE column, kept by zone, time and day. The joined text is a
 * new string every time, which isoFromLocal must flatten and hash before it
 * finds its reading: 250 ns a day, against 100 ns by the day (billing maps
 * some 310 invoices for each 50-customer page, bookings some 250 stays
 * with two such times each).
 */
export function isoFromLocalDayAt(value: unknown, time: string, timeZone: string, where: string): string {
  const day = calendarDate(value, where);
  let byTime = dayTimes.get(timeZone);
  if (!byTime) dayTimes.set(timeZone, (byTime = new Map()));
  let byDay = byTime.get(time);
  if (!byDay) byTime.set(time, (byDay = new Map()));
  return byDay.get(day) ?? remember(byDay, day, isoFromLocal(`${day} ${time}`, timeZone, where), MOST_READINGS);
}
const dayTimes = new Map<string, Map<string, Map<string, string>>>();

/** UTC instant to the silo's wall-clock local text, for writing. */
export function localFromUtcMillis(utcMillis: number, timeZone: string): string {
  const shifted = new Date(utcMillis + zoneOffsetMinutes(utcMillis, timeZone) * 60000);
  return shifted.toISOString().slice(0, 19).replace("T", " ");
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * A DATE column as a driver returns it: text on every dialect as configured
 * (kit/db.ts), or a Date at local midnight from a driver left on its
 * defaults, whose local fields are the calendar date. Returns "YYYY-MM-DD".
 */
export function calendarDate(value: unknown, where: string): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10);
  throw new SiloDataError(`${where}: invalid date ${JSON.stringify(value)}`);
}
