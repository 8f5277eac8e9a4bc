import type { Knex } from "knex";
import { dialectOf } from "../db";
import { type DomainEvent, type NewEvent, subjectOf } from "../../events/event";

/**
 * The transactional outbox: a write records its event in a table of the
 * unit's own silo, in the same transaction, so the event exists exactly when
 * the write does (a rollback takes both). The relay (relay.ts) publishes the
 * rows later, in order, and marks them sent; until then they wait in the silo,
 * which is what makes a broker outage lose nothing.
 *
 * Each unit keeps the table in its silo's own conventions (names, how a
 * moment is written), so a unit describes its table and the kit only knows
 * the roles of its columns.
 */
export interface OutboxTable {
  table: string;
  columns: {
    /** Auto-increment sequence: the publishing order and the event id's number. */
    seq: string;
    customerId: string;
    kind: string;
    occurredAt: string;
    /** The event as JSON text (the wire payload without id and unit). */
    body: string;
    /** When the relay published the row; null until then. */
    sentAt: string;
  };
  /** A moment as this silo writes it (epoch milliseconds, a local DATETIME, a timestamp...). */
  time(utcMillis: number): unknown;
}

export class Outbox {
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly unit: string,
    readonly spec: OutboxTable,
    private readonly db: Knex,
  ) {}

  /** Records `event` inside the write's transaction `trx`. */
  async record(trx: Knex.Transaction, event: NewEvent): Promise<void> {
    subjectOf(this.unit, event.customerId); // refuse what could not be published, before anything commits
    const { columns: c } = this.spec;
    const at = new Date(event.at).toISOString();
    const body = JSON.stringify({ at, kind: event.kind, customerId: event.customerId, channel: event.channel, ref: event.ref });
    await trx(this.spec.table).insert({ [c.customerId]: event.customerId, [c.kind]: event.kind, [c.occurredAt]: this.spec.time(event.at), [c.body]: body, [c.sentAt]: null });
    // Wake the relay once the write has committed, rather than at its next poll.
    trx.executionPromise?.then(
      () => this.listeners.forEach((l) => l()),
      () => undefined,
    );
  }

  /** Called after every commit that recorded an event (the relay's wake-up). */
  onRecorded(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Hands up to `limit` unsent events, oldest first, to `publish` and marks
   * them sent once it resolves. If `publish` throws, nothing is marked and
   * the same rows come again next time. On server databases the rows are
   * locked (SKIP LOCKED) while they are published, so replicas of a unit do
   * not publish the same rows; SQLite has one writer and one pooled
   * connection, which must not be held while the broker is slow.
   */
  async relay(limit: number, publish: (events: DomainEvent[]) => Promise<void>): Promise<number> {
    const { table, columns: c } = this.spec;
    const run = async (q: Knex | Knex.Transaction, lock: boolean): Promise<number> => {
      let select = q(table).select(c.seq, c.body).whereNull(c.sentAt).orderBy(c.seq).limit(limit);
      if (lock) select = select.forUpdate().skipLocked();
      const rows: Record<string, unknown>[] = await select;
      if (rows.length === 0) return 0;
      await publish(rows.map((row) => this.toEvent(row)));
      await q(table)
        .whereIn(
          c.seq,
          rows.map((r) => r[c.seq] as number),
        )
        .update({ [c.sentAt]: this.spec.time(Date.now()) });
      return rows.length;
    };
    return dialectOf(this.db) === "sqlite" ? run(this.db, false) : this.db.transaction((trx) => run(trx, true));
  }

  /** Unsent rows, for health and tests. */
  async pending(): Promise<number> {
    const [row] = await this.db(this.spec.table).whereNull(this.spec.columns.sentAt).count({ n: "*" });
    return Number(row.n);
  }

  private toEvent(row: Record<string, unknown>): DomainEvent {
    const body = JSON.parse(String(row[this.spec.columns.body])) as Omit<DomainEvent, "id" | "unit">;
    return { id: `${this.unit}-${Number(row[this.spec.columns.seq])}`, at: body.at, unit: this.unit, kind: body.kind, customerId: body.customerId, channel: body.channel ?? null, ref: body.ref ?? null };
  }
}
