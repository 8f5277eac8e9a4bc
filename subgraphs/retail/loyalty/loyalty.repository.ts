import type { Knex } from "knex";
import { type LoyaltyRow, toMembership } from "./loyalty.mapper";
import type { LoyaltyMembership } from "./loyalty.type";

/** Every statement retail runs against `rt_loyalty`. */
export class LoyaltyRepository {
  constructor(private readonly db: Knex) {}

  /** Memberships of many customers in one statement; non-members are simply absent. */
  async byCustomers(customerIds: readonly string[]): Promise<Map<string, LoyaltyMembership>> {
    const rows: LoyaltyRow[] = await this.db("rt_loyalty").whereIn("customer_code", customerIds);
    return new Map(rows.map((r) => [r.customer_code, toMembership(r)]));
  }
}
