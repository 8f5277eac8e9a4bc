import { isoFromUtc } from "../../../kit/subgraph";

/**
 * Retail's DATETIME columns hold UTC wall time with no zone. SQLite and
 * mysql2 (dateStrings) return them as text, which kit's isoFromUtc reads as
 * UTC. node-postgres instead builds a Date from a zone-less timestamp in the
 * *process's* zone, so there the Date's wall-clock fields, not its instant,
 * are the UTC time; reading them back keeps the answer independent of TZ.
 */
export function isoFromUtcWallTime(value: unknown, where: string): string {
  return isoFromUtc(value instanceof Date && !Number.isNaN(value.getTime()) ? wallClockText(value) : value, where);
}

/** A UTC instant as the silo writes it: "2026-10-03 14:12:00". */
export function utcWallTime(utcMillis: number): string {
  return new Date(utcMillis).toISOString().slice(0, 19).replace("T", " ");
}

function wallClockText(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}
