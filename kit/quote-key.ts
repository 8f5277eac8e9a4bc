import { BadUserInputError } from "./errors";

/**
 * A quote is an entity whose key *is* the basket: promotions answers
 * `Query.quote` with this key, retail resolves the key to list prices, and
 * promotions prices the lines from them via `@requires`. Nothing is stored:
 * the same basket always gets the same id, and the same prices.
 *
 * Format: `<customerId or "-">|<sku>*<qty>,<sku>*<qty>`, lines in the order
 * given, e.g. `C000001|SKU-0001*2,SKU-0042*1`.
 */
export interface QuoteKey {
  customerId: string | null;
  lines: { sku: string; quantity: number }[];
}

export const QUOTE_MAX_LINES = 100;
export const QUOTE_MAX_QUANTITY = 999;
const TOKEN = /^[A-Za-z0-9_.-]{1,40}$/;

export function encodeQuoteKey(key: QuoteKey): string {
  if (key.lines.length === 0) throw new BadUserInputError("a quote needs at least one line", "lines");
  if (key.lines.length > QUOTE_MAX_LINES) throw new BadUserInputError(`a quote has at most ${QUOTE_MAX_LINES} lines`, "lines");
  if (key.customerId !== null && !TOKEN.test(key.customerId)) throw new BadUserInputError("customerId is not a valid id", "customerId");
  for (const line of key.lines) {
    if (!TOKEN.test(line.sku)) throw new BadUserInputError(`sku ${JSON.stringify(line.sku)} is not a valid SKU`, "lines");
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > QUOTE_MAX_QUANTITY) {
      throw new BadUserInputError(`quantity for ${line.sku} must be between 1 and ${QUOTE_MAX_QUANTITY}`, "lines");
    }
  }
  return `${key.customerId ?? "-"}|${key.lines.map((l) => `${l.sku}*${l.quantity}`).join(",")}`;
}

export function decodeQuoteKey(id: string): QuoteKey {
  const [customer, lines, extra] = id.split("|");
  if (extra !== undefined || !customer || !lines) throw new BadUserInputError(`not a quote id: ${JSON.stringify(id)}`);
  const key: QuoteKey = {
    customerId: customer === "-" ? null : customer,
    lines: lines.split(",").map((part) => {
      const [sku, qty] = part.split("*");
      return { sku, quantity: Number(qty) };
    }),
  };
  // Re-encoding validates every part the same way as on the way in.
  if (encodeQuoteKey(key) !== id) throw new BadUserInputError(`not a quote id: ${JSON.stringify(id)}`);
  return key;
}
