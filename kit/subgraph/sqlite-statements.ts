/**
 * Prepared statements kept per SQLite connection, by SQL text, and their
 * rows built in JavaScript.
 *
 * Kept: knex's better-sqlite3 dialect prepares every statement it runs, and
 * the units run the same few shapes over and over (a repository method's SQL
 * varies only with how many keys a batch has), so compiling each one again
 * was a third of what the embedded silo spent per statement. A statement is
 * run with `all()` or `run()`, each finished before it returns, so one
 * statement object serves every caller in turn; SQLite recompiles it by
 * itself if the schema changes under it.
 *
 * Rows: better-sqlite3's `all()` builds each row object in C++, making each
 * column's name a JavaScript string again for every row and setting the
 * properties one by one; on the bench's 50-customer page that was 16 to 27 %
 * of each unit's CPU. The same values come back cheaper as arrays (raw mode),
 * and a row builder made once per statement from its column names turns an
 * array into the very object better-sqlite3 would have made: same keys in
 * the same order, the later of two equal names winning the value, as its
 * property-by-property assignment does. 50 rows of 7 columns came back 38 %
 * cheaper this way (68 µs of CPU against 110, in a loop of `all()`), and the
 * repository calls the units get for that page 12 to 13 % cheaper, mapping
 * included. Only `all()` in the default mode goes this way; `get()`,
 * `iterate()`, `run()`, and `all()` once a caller chose `pluck`, `expand`
 * or `raw` are better-sqlite3's own.
 *
 * A builder is remade when the statement's rows come back wider or narrower
 * than its names, and after this connection changes the schema through a
 * statement it prepared (CREATE, ALTER, DROP, ROLLBACK, ATTACH, DETACH) or
 * through `exec()`: columns renamed under a `select *` read the new names.
 * Not seen: another connection renaming a column without changing the
 * width, under a statement that reads it without naming it (`select *`);
 * reading the names on every run would cost more than the gain (8 µs for
 * `columns()`), and the units' repositories name what they read.
 *
 * The one place the kit touches a driver object: knex hands the connection
 * it opened to the pool's `afterCreate`, where this wraps its `prepare`.
 * sqlite-statements.test.ts fails if knex stops preparing through it or
 * stops reading rows with `all()`.
 */
export interface SqliteConnection {
  prepare(sql: string, ...rest: unknown[]): unknown;
  exec?(sql: string): unknown;
}

/** What this file uses of a better-sqlite3 statement. */
interface SqliteStatement {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
  raw(...toggle: unknown[]): SqliteStatement;
  pluck(...toggle: unknown[]): SqliteStatement;
  expand(...toggle: unknown[]): SqliteStatement;
  columns(): { name: string }[];
}

/** Distinct statements kept per connection; the oldest goes first beyond it. */
export const MOST_STATEMENTS = 500;

/** Statements after which a column name read before may have changed. */
const SCHEMA_CHANGE = /^\s*(create|alter|drop|rollback|attach|detach)\b/i;

export function reusePreparedStatements<C extends SqliteConnection>(conn: C, most = MOST_STATEMENTS): C {
  const prepare = conn.prepare.bind(conn);
  const statements = new Map<string, unknown>();
  // Bumped on every schema change this connection makes; row builders made before it are remade.
  const schema = { version: 0 };
  const changed = () => (schema.version += 1);
  conn.prepare = (sql: string, ...rest: unknown[]) => {
    if (rest.length > 0) return prepare(sql, ...rest);
    let statement = statements.get(sql);
    if (statement === undefined) {
      const prepared = prepare(sql) as SqliteStatement;
      if (prepared.reader) buildRowsInJs(prepared, schema);
      else if (SCHEMA_CHANGE.test(sql)) prepared.run = thenChanged(prepared.run, changed);
      if (statements.size >= most) statements.delete(statements.keys().next().value!);
      statements.set(sql, (statement = prepared));
    }
    return statement;
  };
  if (typeof conn.exec === "function") conn.exec = thenChanged(conn.exec, changed);
  return conn;
}

/** `run` (a statement's or the connection's `exec`), then `changed()` however it ended. */
function thenChanged<F extends (...args: never[]) => unknown>(run: F, changed: () => void): F {
  return function (this: unknown, ...args: Parameters<F>) {
    try {
      return Reflect.apply(run, this, args);
    } finally {
      changed();
    }
  } as F;
}

/** better-sqlite3's row modes; a statement starts in "flat" (an object per row). */
type Mode = "flat" | "raw" | "pluck" | "expand";

type RowBuilder = ((values: unknown[]) => Record<string, unknown>) & { readonly width: number };

/** `statement.all()` in flat mode, from raw arrays and a row builder; its mode switches are followed to know when. */
function buildRowsInJs(statement: SqliteStatement, schema: { readonly version: number }): void {
  const { all, raw } = statement;
  let mode: Mode = "flat";
  let builder: RowBuilder | undefined;
  let builtFor = schema.version;

  // better-sqlite3's own rule for each switch: on sets the mode, off returns to flat from that mode only.
  const follow = (name: Exclude<Mode, "flat">) => {
    const native = statement[name];
    statement[name] = function (this: SqliteStatement, ...toggle: unknown[]) {
      const result = Reflect.apply(native, this, toggle);
      const on = toggle.length === 0 || toggle[0] === true;
      mode = on ? name : mode === name ? "flat" : mode;
      return result;
    };
  };
  follow("raw");
  follow("pluck");
  follow("expand");

  statement.all = function (this: SqliteStatement, ...params: unknown[]) {
    if (mode !== "flat") return Reflect.apply(all, this, params);
    raw.call(this, true);
    let rows: unknown[][];
    try {
      rows = Reflect.apply(all, this, params) as unknown[][];
    } finally {
      raw.call(this, false);
    }
    if (rows.length === 0) return rows;
    if (builder === undefined || builtFor !== schema.version || builder.width !== rows[0].length) {
      builder = rowBuilder(this.columns().map((c) => c.name));
      builtFor = schema.version;
    }
    const objects = rows as unknown[];
    for (let i = 0; i < rows.length; i++) objects[i] = builder(rows[i]);
    return objects;
  };
}

/**
 * A function making a row object from its values, compiled from the column
 * names: an object literal of constant keys is the cheapest way V8 has to
 * make many objects of one shape. With a `__proto__` column, or where the
 * process may not compile code from text (`--disallow-code-generation-from-strings`),
 * the values are assigned one by one instead, as better-sqlite3 does (the
 * assignment sets the prototype where a `__proto__` value is an object).
 */
function rowBuilder(names: readonly string[]): RowBuilder {
  let build: ((values: unknown[]) => Record<string, unknown>) | undefined;
  if (!names.includes("__proto__")) {
    const properties = names.map((name, i) => `${JSON.stringify(name)}: values[${i}]`);
    try {
      build = new Function("values", `return { ${properties.join(", ")} };`) as typeof build;
    } catch {
      build = undefined;
    }
  }
  build ??= (values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i]] = values[i];
    return row;
  };
  return Object.assign(build, { width: names.length });
}
