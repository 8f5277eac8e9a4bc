import { BadUserInputError } from "../../../kit/subgraph";

/**
 * Cursors for Query.products: the last SKU of a page, base64url-encoded so
 * clients treat it as opaque and we may change what is inside later.
 */
const SKU = /^[A-Za-z0-9_.-]{1,40}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(sku: string): string {
  return Buffer.from(sku, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): string {
  // Buffer skips characters it cannot decode, so check the round trip too.
  const sku = BASE64URL.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  if (!SKU.test(sku) || encodeCursor(sku) !== cursor) throw new BadUserInputError("after is not a cursor returned by products", "after");
  return sku;
}
