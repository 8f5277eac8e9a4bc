import type { OutboxTable } from "../../../kit/subgraph";

/** Bookings' outbox table (migration 0002): moments as epoch milliseconds, like the rest of the silo. */
export const bookingsOutbox: OutboxTable = {
  table: "guest_event_out",
  columns: { seq: "evt_seq", customerId: "guest_ref", kind: "evt_kind", occurredAt: "noted_ms", body: "evt_json", sentAt: "relayed_ms" },
  time: (utcMillis) => utcMillis,
};
