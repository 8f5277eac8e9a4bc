import type { Knex } from "knex";
import { Statements } from "../../../kit/subgraph";
import { type ProductRow, toProduct } from "./product.mapper";
import type { Product } from "./product.type";

export interface ProductSlice {
  items: Product[];
  totalCount: number;
  hasNextPage: boolean;
}

/** Every statement retail runs against `rt_product`. */
export class ProductRepository {
  private readonly statements = new Statements();

  constructor(private readonly db: Knex) {}

  async bySkus(skus: readonly string[]): Promise<Map<string, Product>> {
    const rows = await this.statements.rows<ProductRow>(this.db, "bySkus", skus, (keys) => this.db("rt_product").whereIn("sku", keys));
    return new Map(rows.map((r) => [r.sku, toProduct(r)]));
  }

  /** Keyset page by SKU: stable while rows are added, and cheap at any depth (no OFFSET). */
  async page(args: { category: string | null; first: number; afterSku: string | null }): Promise<ProductSlice> {
    const filtered = () => (args.category === null ? this.db("rt_product") : this.db("rt_product").where("category_name", args.category));
    const page = filtered()
      .orderBy("sku")
      .limit(args.first + 1);
    if (args.afterSku !== null) page.where("sku", ">", args.afterSku);
    // One row past the page tells whether another page follows, without a second query.
    const [rows, [count]] = await Promise.all([page as Promise<ProductRow[]>, filtered().count({ n: "*" })]);
    return { items: rows.slice(0, args.first).map(toProduct), totalCount: Number(count.n), hasNextPage: rows.length > args.first };
  }

  async categories(): Promise<string[]> {
    const rows: { category_name: string }[] = await this.db("rt_product").distinct("category_name").orderBy("category_name");
    return rows.map((r) => r.category_name);
  }
}
