import type { Knex } from "knex";
import { Statements, groupBy, newestPerKey } from "../../../kit/subgraph";
import { type OrderItemRow, type OrderRow, toOrder, toOrderLine } from "./order.mapper";
import type { Order, OrderLine } from "./order.type";

/** Every statement retail runs against `rt_order` / `rt_order_item`. */
export class OrderRepository {
  private readonly statements = new Statements();

  constructor(private readonly db: Knex) {}

  async byIds(ids: readonly string[]): Promise<Map<string, Order>> {
    const rows = await this.statements.rows<OrderRow>(this.db, "byIds", ids, (keys) => this.db("rt_order").whereIn("order_no", keys));
    return new Map(rows.map((r) => [r.order_no, toOrder(r)]));
  }

  /** Newest first, at most `first` per customer, for many customers in one statement. */
  async byCustomers(customerIds: readonly string[], args: { first: number }): Promise<Map<string, Order[]>> {
    const first = args.first;
    const rows = await this.statements.rows<OrderRow>(
      this.db,
      "byCustomers",
      customerIds,
      (keys) =>
        newestPerKey(
          this.db,
          this.db("rt_order").select("rt_order.*").whereIn("customer_code", keys),
          "customer_code",
          [
            { column: "placed_utc", order: "desc" },
            { column: "order_no", order: "desc" },
          ],
          first,
        ),
      first,
    );
    return groupBy(rows.map(toOrder), (o) => o.customerId);
  }

  /** The lines of many orders in one statement, in item order; the currency comes from each product. */
  async linesOf(orderIds: readonly string[]): Promise<Map<string, OrderLine[]>> {
    const rows = await this.statements.rows<OrderItemRow>(this.db, "linesOf", orderIds, (keys) =>
      this.db("rt_order_item")
        .join("rt_product", "rt_product.sku", "rt_order_item.sku")
        .select("rt_order_item.*", "rt_product.currency_code")
        .whereIn("rt_order_item.order_no", keys)
        .orderBy([{ column: "rt_order_item.order_no" }, { column: "rt_order_item.item_seq" }]),
    );
    return groupBy(rows.map(toOrderLine), (l) => l.orderId);
  }
}
