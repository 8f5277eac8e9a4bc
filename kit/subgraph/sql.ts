import type { Knex } from "knex";

/**
 * The newest `limit` rows per key for many keys in one statement: a window
 * function (SQLite >= 3.25, PostgreSQL, MariaDB >= 10.2 and MySQL 8 all have
 * it), so a child list for 50 customers is one query, not 50.
 */
export function newestPerKey(db: Knex, query: Knex.QueryBuilder, partitionBy: string, orderBy: readonly { column: string; order: "asc" | "desc" }[], limit: number): Knex.QueryBuilder {
  const order = orderBy.map((o) => `${db.raw("??", [o.column]).toQuery()} ${o.order}`).join(", ");
  const ranked = query.clone().select(db.raw(`row_number() over (partition by ?? order by ${order}) as cg_rank`, [partitionBy]));
  return db
    .select("*")
    .from(ranked.as("ranked"))
    .where("cg_rank", "<=", limit)
    .orderBy([...orderBy]);
}
