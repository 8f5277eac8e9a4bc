import { type Channel, SiloDataError } from "../../../kit/subgraph";
import type { BookingStatus } from "../booking/booking.type";

/**
 * The silo's one-letter codes, both ways: mappers read them, the seed
 * writes them. One table per code so the two directions cannot drift.
 */
export const LETTER_BY_STATUS: Record<BookingStatus, string> = {
  CONFIRMED: "C",
  CHECKED_IN: "I",
  COMPLETED: "O",
  CANCELLED: "X",
  NO_SHOW: "N",
};

export const LETTER_BY_CHANNEL: Record<Channel, string> = {
  WEB: "W",
  MOBILE: "M",
  STORE: "S",
  CALL_CENTER: "C",
  PARTNER: "P",
};

const invert = <T extends string>(table: Record<T, string>): ReadonlyMap<string, T> => new Map(Object.entries(table).map(([value, letter]) => [letter as string, value as T]));
const STATUS_BY_LETTER = invert(LETTER_BY_STATUS);
const CHANNEL_BY_LETTER = invert(LETTER_BY_CHANNEL);

/** `where` names the row, e.g. "bookings silo, booking BK0000042". */
export function statusOf(letter: unknown, where: string): BookingStatus {
  const status = typeof letter === "string" ? STATUS_BY_LETTER.get(letter.trim()) : undefined;
  if (!status) throw new SiloDataError(`${where}: unknown status_ltr ${JSON.stringify(letter)}`);
  return status;
}

export function channelOf(letter: unknown, where: string): Channel {
  const channel = typeof letter === "string" ? CHANNEL_BY_LETTER.get(letter.trim()) : undefined;
  if (!channel) throw new SiloDataError(`${where}: unknown chan_cd ${JSON.stringify(letter)}`);
  return channel;
}
