import type { Knex } from "knex";

/**
 * The knex client of a SQLite silo: knex's own better-sqlite3 client, except
 * that a read finding the silo's one connection idle runs on it at once,
 * instead of queueing for it in the pool. better-sqlite3 is synchronous, so
 * the statement has the connection to itself from start to end either way;
 * the pool's acquire and release (a pending operation, a timer, a handful of
 * promises per statement) bought nothing for a read. In a micro-benchmark of
 * billing's statements that was 6 to 10 µs of CPU per statement out of 25
 * to 100 (with the statement, its compilation and the row mapping).
 *
 * Everything else is knex's: the statement is compiled by the builder as
 * before and run by knex's runner (`query`), so it emits the same `query`,
 * `query-response` and `query-error` events (silo telemetry and the tests'
 * statement counts read them), fails with the same errors and returns the
 * same rows. Only reads (`select`, `first`, `pluck`) outside a transaction
 * take the short way, and only while no one holds the connection: inside an
 * open transaction (which holds it from BEGIN to COMMIT) a read outside it
 * waits for the pool as before, so it never sees uncommitted rows.
 *
 * The one place the kit subclasses knex internals (its better-sqlite3
 * dialect, its Runner); knex takes a client class as `client` by design.
 * sqlite-client.test.ts fails if knex's runner or pool stop working this way.
 */

/** The parts of knex's builders and runner this file relies on. */
interface KnexBuilder {
  _connection?: unknown;
  _debug?: boolean;
  _events?: Record<string, unknown>;
  toSQL(): Knex.Sql | Knex.Sql[];
  emit(event: string, ...args: unknown[]): boolean;
}
interface KnexRunner {
  client: Knex.Client;
  builder: KnexBuilder;
  connection: unknown;
  run(): Promise<unknown>;
  query(sql: Knex.Sql): Promise<unknown>;
  queryArray(sql: Knex.Sql[]): Promise<unknown>;
  ensureConnection(callback: (runner: KnexRunner) => Promise<unknown>): Promise<unknown>;
}

// knex's own classes, from its package (no typings of their own).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BetterSqlite3Client = require("knex/lib/dialects/better-sqlite3") as typeof Knex.Client;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Runner = require("knex/lib/execution/runner") as new (client: Knex.Client, builder: KnexBuilder) => KnexRunner;

/** Statements whose answer is the rows read; anything else goes through the pool. */
const READS = new Set(["select", "first", "pluck"]);

class ImmediateRunner extends Runner {
  declare client: SqliteClient;

  /** knex's Runner.run, except that a read finding the connection idle runs on it without the pool. */
  override async run(): Promise<unknown> {
    const { client, builder } = this;
    client.emit("start", builder);
    builder.emit("start", builder);
    const sql = builder.toSQL();
    if (builder._debug) client.logger.debug?.(sql);
    // Compiling is synchronous, and so is running the statement below: nothing can take the connection in between.
    const idle = Array.isArray(sql) || !READS.has(sql.method) || (sql as { timeout?: number }).timeout ? undefined : client.idleConnection();
    // With a connection set, knex's ensureConnection neither acquires nor releases one.
    if (idle !== undefined) this.connection = idle;
    try {
      const rows = await this.ensureConnection(() => (Array.isArray(sql) ? this.queryArray(sql) : this.query(sql)));
      builder.emit("end");
      return rows;
    } catch (err) {
      if (builder._events?.error) builder.emit("error", err);
      throw err;
    } finally {
      if (idle !== undefined) this.connection = undefined;
    }
  }
}

export class SqliteClient extends BetterSqlite3Client {
  /** Set on the copies of the client knex makes for each transaction. */
  declare transacting?: boolean;
  /** The connection the pool made last: with one connection at most, the pool's only one. */
  private pooled: unknown;

  override async acquireRawConnection(): Promise<unknown> {
    const connection = await super.acquireRawConnection();
    this.pooled = connection;
    return connection;
  }

  override async destroyRawConnection(connection: unknown): Promise<void> {
    if (connection === this.pooled) this.pooled = undefined;
    await super.destroyRawConnection(connection);
  }

  override runner(builder: KnexBuilder): KnexRunner {
    // Inside a transaction, or on a connection of the caller's choosing: knex's runner as it is.
    return this.transacting || builder._connection ? super.runner(builder) : new ImmediateRunner(this, builder);
  }

  /** The pooled connection, if the pool holds it free now (not lent out, not being replaced). */
  idleConnection(): unknown {
    const pool = this.pool as { numUsed(): number; numFree(): number; numPendingCreates(): number } | undefined;
    const connection = this.pooled as { __knex__disposed?: unknown } | undefined;
    if (!pool || !connection || connection.__knex__disposed) return undefined;
    return pool.numFree() === 1 && pool.numUsed() === 0 && pool.numPendingCreates() === 0 ? connection : undefined;
  }
}
