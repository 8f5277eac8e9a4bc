/**
 * Prepared statements kept per SQLite connection, by SQL text. knex's
 * better-sqlite3 dialect prepares every statement it runs, and the units
 * run the same few shapes over and over (a repository method's SQL varies
 * only with how many keys a batch has), so compiling each one again was
 * a third of what the embedded silo spent per statement. A statement is
 * run with `all()` or `run()`, each finished before it returns, so one
 * statement object serves every caller in turn; SQLite recompiles it by
 * itself if the schema changes under it.
 *
 * The one place the kit touches a driver object: knex hands the connection
 * it opened to the pool's `afterCreate`, where this wraps its `prepare`.
 * sqlite-statements.test.ts fails if knex stops preparing through it.
 */
export interface SqliteConnection {
  prepare(sql: string, ...rest: unknown[]): unknown;
}

/** Distinct statements kept per connection; the oldest goes first beyond it. */
export const MOST_STATEMENTS = 500;

export function reusePreparedStatements<C extends SqliteConnection>(conn: C, most = MOST_STATEMENTS): C {
  const prepare = conn.prepare.bind(conn);
  const statements = new Map<string, unknown>();
  conn.prepare = (sql: string, ...rest: unknown[]) => {
    if (rest.length > 0) return prepare(sql, ...rest);
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
      if (statements.size >= most) statements.delete(statements.keys().next().value!);
      statements.set(sql, statement);
    }
    return statement;
  };
  return conn;
}
