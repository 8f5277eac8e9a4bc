import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../scripts/manifest";

/** Operations the end-to-end tests (and the README) use; the two 360° views are the bench's (bench/operations/). */
function operation(file: string): string {
  return readFileSync(join(ROOT, "bench", "operations", file), "utf8").replace(/^#.*\n/gm, "");
}

export const CUSTOMER_360 = operation("customer-360.graphql");

/** The 360° view for a page of customers (batching across the whole graph). */
export const CUSTOMERS_360 = operation("customers-list.graphql");

/**
 * One customer, one alias per unit: each alias needs billing (the root) and
 * one other unit, so a unit that fails nulls only its own alias.
 */
export const PER_UNIT = `
query PerUnit($id: ID!) {
  billing: customer(id: $id) { name }
  bookings: customer(id: $id) { stayCount }
  retail: customer(id: $id) { loyalty { tier } }
  promotions: customer(id: $id) { consent { email } }
}`;
