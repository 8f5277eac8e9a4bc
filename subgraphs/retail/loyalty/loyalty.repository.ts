import type { Knex } from "knex";
import { Statements } from "../../../kit/subgraph";
import { type LoyaltyRow, toMembership } from "./loyalty.mapper";
import type { LoyaltyMembership } from "./loyalty.type";

/** Every statement retail runs against `rt_loyalty`. */
export class LoyaltyRepository {
  private readonly statements = new Statements();

  constructor(private readonly db: Knex) {}

  /** Memberships of many customers in one statement; non-members are simply absent. */
  async byCustomers(customerIds: readonly string[]): Promise<Map<string, LoyaltyMembership>> {
    const rows = await this.statements.rows<LoyaltyRow>(this.db, "byCustomers", customerIds, (keys) => this.db("rt_loyalty").whereIn("customer_code", keys));
    return new Map(rows.map((r) => [r.customer_code, toMembership(r)]));
  }
}
