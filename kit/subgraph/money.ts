import { Directive, Field, ObjectType } from "type-graphql";
import { SiloDataError } from "../errors";
import { INHERIT } from "../cache-hints";

/**
 * The graph's one money language: a decimal string with two places and a
 * currency code. Silos keep money as integer cents or as DECIMAL columns
 * (which drivers hand back as strings, or as numbers on SQLite); both are
 * mapped here. Arithmetic is done in integer minor units, never in floats.
 */
@ObjectType({ description: 'An exact amount of money: a decimal string (e.g. "129.90") and an ISO-4217 currency. Shared by every unit.' })
@Directive("@shareable")
@Directive(INHERIT)
export class Money {
  @Field({ description: 'Decimal amount with two places, e.g. "129.90". Never a float.' })
  amount!: string;

  @Field({ description: 'ISO-4217 currency code, e.g. "EUR".' })
  currency!: string;

  static of(minor: bigint, currency: string): Money {
    const m = new Money();
    m.amount = formatMinor(minor);
    m.currency = currency;
    return m;
  }
}

const CURRENCY = /^[A-Z]{3}$/;
const SAFE_MINOR = BigInt(Number.MAX_SAFE_INTEGER);
const DECIMAL = /^-?\d{1,15}(\.\d{1,6})?$/;

function checkCurrency(currency: unknown, where: string): string {
  if (typeof currency !== "string" || !CURRENCY.test(currency.trim())) {
    throw new SiloDataError(`${where}: invalid currency ${JSON.stringify(currency)}`);
  }
  return currency.trim();
}

export function formatMinor(minor: bigint): string {
  if (minor > -SAFE_MINOR && minor < SAFE_MINOR) {
    // Most amounts: in Number arithmetic, exact below 2^53 and without BigInt's division (retail's order lines: half its money.js time).
    const n = Number(minor);
    const abs = n < 0 ? -n : n;
    const cents = abs % 100;
    return `${n < 0 ? "-" : ""}${(abs - cents) / 100}.${cents < 10 ? "0" : ""}${cents}`;
  }
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const units = abs / 100n;
  const cents = abs % 100n;
  return `${negative ? "-" : ""}${units}.${cents.toString().padStart(2, "0")}`;
}

/** Integer cents as a silo stores them (number, numeric string or bigint). */
export function moneyFromCents(cents: unknown, currency: unknown, where: string): Money {
  const cur = checkCurrency(currency, where);
  if (typeof cents === "bigint") return Money.of(cents, cur);
  if (typeof cents === "number" && Number.isSafeInteger(cents)) return Money.of(BigInt(cents), cur);
  if (typeof cents === "string" && /^-?\d{1,18}$/.test(cents.trim())) return Money.of(BigInt(cents.trim()), cur);
  throw new SiloDataError(`${where}: invalid amount in cents ${JSON.stringify(cents)}`);
}

/**
 * A DECIMAL column as a driver returns it: PostgreSQL and MySQL give a
 * string ("129.90"), SQLite a number (129.9). Amounts with more than two
 * places are rejected, not rounded: rounding money silently is a bug.
 */
export function moneyFromDecimal(value: unknown, currency: unknown, where: string): Money {
  return Money.of(decimalToMinor(value, where), checkCurrency(currency, where));
}

export function decimalToMinor(value: unknown, where: string): bigint {
  let text: string;
  if (typeof value === "number" && Math.abs(value) < 1e13) {
    // A float from SQLite, most rows' case: whole cents, without text. Within
    // 1e-9 of a cent, value * 100 rounds to the digits toFixed(2) would give.
    const minor = Math.round(value * 100);
    if (Math.abs(minor / 100 - value) > 1e-9) throw new SiloDataError(`${where}: amount ${value} has more than two decimal places`);
    return BigInt(minor);
  }
  if (typeof value === "string") {
    // The graph's own amounts and most DECIMAL text, read without text or BigInt arithmetic.
    const minor = plainDecimalMinor(value);
    if (minor !== undefined) return BigInt(minor);
  }
  if (typeof value === "number" && Number.isFinite(value)) {
    // A float from SQLite: two places are exact to 15 significant digits.
    text = value.toFixed(2);
    if (Math.abs(Number(text) - value) > 1e-9) throw new SiloDataError(`${where}: amount ${value} has more than two decimal places`);
  } else if (typeof value === "string" && DECIMAL.test(value.trim())) {
    text = value.trim();
  } else {
    throw new SiloDataError(`${where}: invalid decimal amount ${JSON.stringify(value)}`);
  }
  const negative = text.startsWith("-");
  const [units, fraction = ""] = text.replace("-", "").split(".");
  if (/[1-9]/.test(fraction.slice(2))) throw new SiloDataError(`${where}: amount ${text} has more than two decimal places`);
  const minor = BigInt(units) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, "0"));
  return negative ? -minor : minor;
}

const DOT = 46;
const MINUS = 45;
const ZERO = 48;
/** Units digits whose minor units stay exact in a Number (below 2^53). */
const MOST_PLAIN_UNITS = 13;

/**
 * Minor units of the plainest decimal text ("129.90", "-5", "0.5",
 * "12.340000"): an optional minus, 1 to 13 digits, and optionally a point
 * and 1 to 6 digits of which only the first two may be other than zero.
 * Undefined for anything else (spaces, more digits, a third place), which
 * decimalToMinor reads (or refuses) the long way. In retail's order lines,
 * where every line total is read back to sum the order, the long way's
 * split and BigInt arithmetic were most of decimalToMinor's 3.9%.
 */
function plainDecimalMinor(text: string): number | undefined {
  const length = text.length;
  const negative = length > 0 && text.charCodeAt(0) === MINUS;
  let i = negative ? 1 : 0;
  let units = 0;
  const unitsFrom = i;
  for (; i < length; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) break;
    units = units * 10 + digit;
  }
  if (i === unitsFrom || i - unitsFrom > MOST_PLAIN_UNITS) return undefined;
  let cents = 0;
  if (i < length) {
    if (text.charCodeAt(i) !== DOT) return undefined;
    const fractionFrom = ++i;
    if (length - fractionFrom < 1 || length - fractionFrom > 6) return undefined;
    for (; i < length; i++) {
      const digit = text.charCodeAt(i) - ZERO;
      if (digit < 0 || digit > 9) return undefined;
      const place = i - fractionFrom;
      if (place === 0) cents = digit * 10;
      else if (place === 1) cents += digit;
      else if (digit !== 0) return undefined;
    }
  }
  const minor = units * 100 + cents;
  return negative ? -minor : minor;
}

/** The graph's amount string back to minor units (for price arithmetic). */
export function toMinor(money: Pick<Money, "amount">): bigint {
  return decimalToMinor(money.amount, "money");
}

/** Minor units as a DECIMAL string to write into a silo. */
export function minorToDecimalString(minor: bigint): string {
  return formatMinor(minor);
}
