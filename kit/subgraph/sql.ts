import type { Knex } from "knex";
import { groupBy } from "./loaders";

/** A newest-first list per key (a customer's invoices), for many keys in one statement. */
export interface NewestPerKey {
  /** What to select, each `column` or `table.column`, named in the rows by its column (a repository's column list). */
  columns: readonly string[];
  /** The column the lists are per, one of `columns`. */
  key: string;
  /** Newest first, each one of `columns` that the statement can name alone; the last one unique, so that ties fall the same way every time. */
  orderBy: readonly { column: string; order: "asc" | "desc" }[];
  /** At most this many rows per key. */
  first: number;
}

/** A column as its rows name it: `inv_hdr.cust_no` is `cust_no`. */
export function columnName(column: string): string {
  return column.slice(column.lastIndexOf(".") + 1);
}

/**
 * The newest `first` rows of each key with a window function (SQLite >=
 * 3.25, PostgreSQL, MariaDB >= 10.2 and MySQL 8 all have it): the database
 * reads every row of the keys but returns only the newest ones, newest
 * first (each key's rows in its list's order).
 */
export function newestPerKey(db: Knex, from: Knex.QueryBuilder, list: NewestPerKey): Knex.QueryBuilder {
  const order = list.orderBy.map((o) => `${db.raw("??", [o.column]).toQuery()} ${o.order}`).join(", ");
  const ranked = from.select([...list.columns]).select(db.raw(`row_number() over (partition by ?? order by ${order}) as cg_rank`, [list.key]));
  return db
    .select(list.columns.map(columnName))
    .from(ranked.as("ranked"))
    .where("cg_rank", "<=", list.first)
    .orderBy(list.orderBy.map((o) => ({ column: columnName(o.column), order: o.order })));
}

/**
 * The rows of the keys, each key's in its list's order, every one of them:
 * cheaper than the window when the limit cuts few rows (no ranking, one sort
 * instead of two, no rank column), since better-sqlite3's cost is mostly the
 * values it returns. At most `most` rows, so a caller can tell a cut answer.
 */
export function allPerKey(from: Knex.QueryBuilder, list: NewestPerKey, most: number): Knex.QueryBuilder {
  return from
    .select([...list.columns])
    .orderBy([{ column: list.key }, ...list.orderBy])
    .limit(most);
}

/**
 * From this `first` on, a newest-first list is first read whole (allPerKey)
 * and cut here. A customer's lists in these silos are a handful of rows: a
 * timeline's 200 cuts none. For a page of 50 customers (bench case c's
 * lists, 100-300 rows), reading them whole cost 20-26 % less CPU than
 * ranking them, statement and mapping included (invoices 3.4 to 2.5 ms,
 * orders 0.93 to 0.75, redemptions 2.1 to 1.6, consent history 2.0 to 1.5).
 * A short list (`bookings(first: 3)`) is ranked by the database, which then
 * returns fewer rows.
 */
export const READ_WHOLE_FROM = 10;

/**
 * A repository's statements, each compiled by knex once per shape rather than
 * once per batch. A loader's statement differs from one batch to the next only
 * in how many keys it has (and in arguments such as `first`, which take few
 * values), yet knex compiled it afresh every time: 5 to 11 µs of CPU a
 * statement, a fifth of the units' time in knex. The builder stays the
 * statement's one definition: it is compiled once per shape with stand-ins
 * for the keys, and each batch gets that SQL with its own keys in their
 * places. Everything else is as before (knex's runner, events, errors, rows).
 * A shape whose stand-ins do not come out as bindings of their own (a value
 * knex would rewrite or inline) is compiled every time, as before.
 */
export class Statements {
  private readonly shapes = new Map<string, Shape | null>();

  /**
   * The rows of `build(keys)`. `name` and `constants` (its other arguments,
   * JSON) identify the shape together with the number of keys; the same
   * name must always build the same statement from the same constants.
   */
  rows<R>(db: Knex, name: string, keys: readonly string[], build: (keys: readonly string[]) => Knex.QueryBuilder, constants: unknown = null): Promise<R[]> {
    const id = `${name}|${keys.length}|${constants === null ? "" : JSON.stringify(constants)}`;
    let shape = this.shapes.get(id);
    if (shape === undefined) {
      shape = compileShape(build, keys.length);
      if (this.shapes.size >= MOST_SHAPES) this.shapes.clear();
      this.shapes.set(id, shape);
    }
    if (shape === null) return build(keys) as unknown as Promise<R[]>;
    const bindings = shape.bindings.slice();
    for (let i = 0; i < keys.length; i += 1) bindings[shape.keyAt[i]] = keys[i];
    // A fresh statement object each time: running one writes into it (its response, its numbered bindings).
    const compiled = shape.statement(bindings, `cg-${(statementUid += 1)}`);
    const builder = db.queryBuilder();
    // knex's runner compiles a builder by asking it for its SQL: here, the shape's, with these keys.
    (builder as unknown as { toSQL(): Knex.Sql }).toSQL = () => compiled as unknown as Knex.Sql;
    return builder as unknown as Promise<R[]>;
  }

  /**
   * The newest `first` rows of each key, each list newest first; keys
   * without rows are absent. For a long `first`, the keys' rows are read
   * whole, at most as many as the window could return (`first` a key); only
   * when there are more than that is the window statement run as well, so no
   * answer reads more than twice what the window alone would.
   */
  async newest<R>(db: Knex, name: string, keys: readonly string[], list: NewestPerKey, from: (keys: readonly string[]) => Knex.QueryBuilder, constants: unknown = null): Promise<Map<string, R[]>> {
    const { first } = list;
    const key = columnName(list.key);
    const keyOf = (row: R) => (row as Record<string, string>)[key];
    if (first >= READ_WHOLE_FROM) {
      const most = keys.length * first;
      const rows = await this.rows<R>(db, `${name}|whole|${first}`, keys, (k) => allPerKey(from(k), list, most + 1), constants);
      if (rows.length <= most) {
        const lists = groupBy(rows, keyOf);
        for (const [k, rowsOfKey] of lists) if (rowsOfKey.length > first) lists.set(k, rowsOfKey.slice(0, first));
        return lists;
      }
    }
    const rows = await this.rows<R>(db, `${name}|ranked|${first}`, keys, (k) => newestPerKey(db, from(k), list), constants);
    return groupBy(rows, keyOf);
  }
}

interface Shape {
  /** The statement object knex's compiler would have made, with these bindings. */
  statement(bindings: unknown[], uid: string): object;
  bindings: unknown[];
  /** Where each key goes among the bindings. */
  keyAt: number[];
}

/** Shapes kept per repository; beyond it, they are compiled again. */
const MOST_SHAPES = 500;
const STANDS_IN = "\u0000cg-key-";
const COMPILED_READS = new Set(["select", "first", "pluck"]);
let statementUid = 0;

function compileShape(build: (keys: readonly string[]) => Knex.QueryBuilder, n: number): Shape | null {
  const standIns = Array.from({ length: n }, (_, i) => `${STANDS_IN}${i}`);
  const compiled = build(standIns).toSQL() as Knex.Sql & { output?: unknown; timeout?: unknown };
  if (Array.isArray(compiled) || !COMPILED_READS.has(compiled.method) || compiled.output !== undefined || compiled.timeout || compiled.sql.includes(STANDS_IN)) return null;
  const bindings = [...compiled.bindings];
  const keyAt: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const at = bindings.indexOf(standIns[i]);
    if (at < 0 || bindings.indexOf(standIns[i], at + 1) >= 0) return null;
    keyAt.push(at);
  }
  if (bindings.filter((b) => typeof b === "string" && b.startsWith(STANDS_IN)).length !== n) return null;
  const { method, options, timeout, cancelOnTimeout, sql, ...rest } = compiled as unknown as Record<string, unknown>;
  const as = rest.as;
  if (Object.keys(rest).some((key) => !["bindings", "__knexQueryUid", "as"].includes(key))) return null;
  // Laid out field by field as knex's compiler lays out its own (QueryCompiler.toSQL), so knex's
  // runner meets one kind of object, whichever made it (a different layout cost a third more CPU).
  const statement =
    as === undefined
      ? (bindings: unknown[], uid: string) => ({ method, options, timeout, cancelOnTimeout, bindings, __knexQueryUid: uid, sql })
      : (bindings: unknown[], uid: string) => ({ method, options, timeout, cancelOnTimeout, bindings, __knexQueryUid: uid, sql, as });
  return { statement, bindings, keyAt };
}
