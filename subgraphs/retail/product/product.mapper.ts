import { moneyFromDecimal } from "../../../kit/subgraph";
import { Product } from "./product.type";

/** A row of `rt_product` as the retail silo stores it. */
export interface ProductRow {
  sku: string;
  title: string;
  category_name: string;
  /** DECIMAL(10,2): a string from PostgreSQL and MySQL, a number from SQLite. */
  list_price: string | number;
  currency_code: string;
}

export function toProduct(row: ProductRow): Product {
  return Object.assign(new Product(), {
    sku: row.sku,
    name: row.title,
    category: row.category_name,
    listPrice: moneyFromDecimal(row.list_price, row.currency_code, `retail silo, product ${row.sku}: list_price`),
  });
}
