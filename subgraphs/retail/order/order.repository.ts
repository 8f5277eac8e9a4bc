import type { Knex } from "knex";
import { Statements, groupBy } from "../../../kit/subgraph";
import { ORDER_COLUMNS, ORDER_ITEM_COLUMNS, type OrderItemRow, type OrderRow, toOrder, toOrderLine } from "./order.mapper";
import type { Order, OrderLine } from "./order.type";

/** Every statement retail runs against `rt_order` / `rt_order_item`. */
export class OrderRepository {
  private readonly statements = new Statements();

  constructor(private readonly db: Knex) {}

  async byIds(ids: readonly string[]): Promise<Map<string, Order>> {
    const rows = await this.statements.rows<OrderRow>(this.db, "byIds", ids, (keys) => this.db("rt_order").select(ORDER_COLUMNS).whereIn("order_no", keys));
    return new Map(rows.map((r) => [r.order_no, toOrder(r)]));
  }

  /** Newest first, at most `first` per customer, for many customers in one statement. */
  async byCustomers(customerIds: readonly string[], args: { first: number }): Promise<Map<string, Order[]>> {
    const lists = await this.statements.newest<OrderRow>(
      this.db,
      "byCustomers",
      customerIds,
      {
        columns: ORDER_COLUMNS,
        key: "rt_order.customer_code",
        orderBy: [
          { column: "placed_utc", order: "desc" },
          { column: "order_no", order: "desc" },
        ],
        first: args.first,
      },
      (keys) => this.db("rt_order").whereIn("customer_code", keys),
    );
    return new Map([...lists].map(([customerId, rows]) => [customerId, rows.map(toOrder)]));
  }

  /** The lines of many orders in one statement, in item order; the currency comes from each product. */
  async linesOf(orderIds: readonly string[]): Promise<Map<string, OrderLine[]>> {
    const rows = await this.statements.rows<OrderItemRow>(this.db, "linesOf", orderIds, (keys) =>
      this.db("rt_order_item")
        .join("rt_product", "rt_product.sku", "rt_order_item.sku")
        .select(ORDER_ITEM_COLUMNS)
        .whereIn("rt_order_item.order_no", keys)
        .orderBy([{ column: "rt_order_item.order_no" }, { column: "rt_order_item.item_seq" }]),
    );
    return groupBy(rows.map(toOrderLine), (l) => l.orderId);
  }
}
