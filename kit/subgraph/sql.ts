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
