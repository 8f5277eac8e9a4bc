import type { Knex } from "knex";
import { isoFromUtc } from "../../../kit";

/** A row as the care silo stores it. */
interface CustomerRow {
  customer_ref: string;
  first_contact_utc: string | Date | number;
}

/** Every statement care runs against `care_customer`. */
export class CustomerRepository {
  constructor(private readonly db: Knex) {}

  /** When each customer first dealt with the unit, for many customers in one statement. */
  async careSince(ids: readonly string[]): Promise<Map<string, string>> {
    const rows: CustomerRow[] = await this.db("care_customer").whereIn("customer_ref", ids);
    return new Map(rows.map((r) => [r.customer_ref, isoFromUtc(r.first_contact_utc, `care silo, customer ${r.customer_ref}, first_contact_utc`)]));
  }
}
