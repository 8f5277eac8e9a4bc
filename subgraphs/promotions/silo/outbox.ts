import type { OutboxTable } from "../../../kit/subgraph";

/** Promotions' outbox table (migration 0002): moments as UTC timestamps, like the rest of the silo. */
export const promotionsOutbox: OutboxTable = {
  table: "promo_event_outbox",
  columns: { seq: "event_id", customerId: "customer_id", kind: "event_kind", occurredAt: "occurred_at", body: "payload", sentAt: "published_at" },
  time: (utcMillis) => new Date(utcMillis),
};
