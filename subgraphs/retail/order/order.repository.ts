import type { Knex } from "knex";
import { groupBy, newestPerKey } from "../../../kit/subgraph";
import { type OrderItemRow, type OrderRow, toOrder, toOrderLine } from "./order.mapper";
import type { Order, OrderLine } from "./order.type";

/** Every statement retail runs against `rt_order` / `rt_order_item`. */
export class OrderRepository {
  constructor(private readonly db: Knex) {}

  async byIds(ids: readonly string[]): Promise<Map<string, Order>> {
    const rows: OrderRow[] = await this.db("rt_order").whereIn("order_no", ids);
    return new Map(rows.map((r) => [r.order_no, toOrder(r)]));
  }

  /** Newest first, at most `first` per customer, for many customers in one statement. */
  async byCustomers(customerIds: readonly string[], args: { first: number }): Promise<Map<string, Order[]>> {
    const base = this.db("rt_order").select("rt_order.*").whereIn("customer_code", customerIds);
    const rows: OrderRow[] = await newestPerKey(
      this.db,
      base,
      "customer_code",
      [
        { column: "placed_utc", order: "desc" },
        { column: "order_no", order: "desc" },
      ],
      args.first,
    );
    return groupBy(rows.map(toOrder), (o) => o.customerId);
  }

  /** The lines of many orders in one statement, in item order; the currency comes from each product. */
  async linesOf(orderIds: readonly string[]): Promise<Map<string, OrderLine[]>> {
    const rows: OrderItemRow[] = await this.db("rt_order_item")
      .join("rt_product", "rt_product.sku", "rt_order_item.sku")
      .select("rt_order_item.*", "rt_product.currency_code")
      .whereIn("rt_order_item.order_no", orderIds)
      .orderBy([{ column: "rt_order_item.order_no" }, { column: "rt_order_item.item_seq" }]);
    return groupBy(rows.map(toOrderLine), (l) => l.orderId);
  }
}
