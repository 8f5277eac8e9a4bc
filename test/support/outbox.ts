import type { Knex } from "knex";
import type { OutboxTable } from "../../kit/subgraph/events/outbox";

/**
 * Runs `attempt` with the unit's outbox table out of the way, so that
 * recording the event fails inside the write's transaction; the table is put
 * back whatever happens. Used to show that a write and its event commit or
 * roll back together: without its event, the write must leave nothing.
 */
export async function withoutOutbox<T>(db: Knex, outbox: OutboxTable, attempt: () => Promise<T>): Promise<T> {
  const away = `${outbox.table}_away`;
  await db.schema.renameTable(outbox.table, away);
  try {
    return await attempt();
  } finally {
    await db.schema.renameTable(away, outbox.table);
  }
}

/** The kinds recorded for a customer, oldest first. */
export async function recordedKinds(db: Knex, outbox: OutboxTable, customerId: string): Promise<string[]> {
  return db(outbox.table)
    .where({ [outbox.columns.customerId]: customerId })
    .orderBy(outbox.columns.seq)
    .pluck(outbox.columns.kind);
}
