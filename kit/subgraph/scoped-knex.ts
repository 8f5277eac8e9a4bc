import type { Knex } from "knex";

/**
 * A knex handle whose statements say who ran them. `scopedKnex(db, scope)`
 * behaves as `db` (same pool, same events, same answers), except that every
 * statement run through it, or through a transaction begun on it, reports
 * `scope` in its `query` event (`scopeOf(query)`). Silo telemetry hands one
 * to each repository call, so a statement is tied to the request and the
 * repository method that ran it however many awaits lie in between.
 *
 * This replaces an AsyncLocalStorage: on Node 20 one in use installs promise
 * hooks that run on every promise of the process, and they cost each unit
 * 5 to 8 % of its CPU on the bench's 50-customer page (more than the request
 * log and SQL metrics they served). Passing the scope with the handle costs a
 * few objects per repository call instead.
 *
 * How: knex builds every builder, raw and transaction from `handle.context`'s
 * client, and reports every statement by `client.emit("query", ...)` on that
 * client (a transaction's own client forwards its statements to the client it
 * was begun from). The handle's client is an object over the silo's client
 * whose `emit` marks the statement with the scope before knex's listeners see
 * it. Everything else (pool, connection, dialect, config) is read through to
 * the silo's client. These are knex internals (its `context`, its client's
 * `emit`), kept to this one file; scoped-knex.test.ts fails if knex stops
 * working this way.
 */

const SCOPE = Symbol("customer-graph.statement-scope");

type Scoped = { [SCOPE]?: unknown };
interface KnexInternals {
  context: { client: Knex.Client; queryBuilder(): Knex.QueryBuilder };
}

/** Per silo client: an object over it whose `emit` marks each statement with the scope of the handle it ran through. */
const marking = new WeakMap<Knex.Client, Knex.Client>();

function markingClient(client: Knex.Client): Knex.Client {
  let over = marking.get(client);
  if (!over) {
    const emit = client.emit;
    over = Object.create(client) as Knex.Client;
    over.emit = function (this: Knex.Client & Scoped, event: string | symbol, ...args: unknown[]): boolean {
      const statement = args[0];
      if (event === "query" && statement !== null && typeof statement === "object") (statement as Scoped)[SCOPE] = this[SCOPE];
      return emit.call(this, event, ...args);
    };
    marking.set(client, over);
  }
  return over;
}

/** `db`, with every statement run through it (or a transaction begun on it) reporting `scope`. */
export function scopedKnex(db: Knex, scope: unknown): Knex {
  const base = (db as unknown as KnexInternals).context;
  const client = Object.create(markingClient(base.client)) as Knex.Client & Scoped;
  client[SCOPE] = scope;
  const context = Object.create(base) as KnexInternals["context"];
  context.client = client;
  // knex's own `knex(table)`: a builder from the context's client.
  const handle = function (table?: Knex.TableDescriptor, options?: Parameters<Knex.QueryBuilder["table"]>[1]) {
    const builder = context.queryBuilder();
    return table ? builder.table(table, options) : builder;
  };
  // Everything else a knex has (raw, transaction, queryBuilder, fn, client, ...) reads `this.context`.
  Object.setPrototypeOf(handle, db);
  (handle as unknown as KnexInternals).context = context;
  return handle as unknown as Knex;
}

/** The scope a `query` event's statement was run under, if it went through a scoped handle. */
export function scopeOf<S>(statement: object): S | undefined {
  return (statement as Scoped)[SCOPE] as S | undefined;
}
