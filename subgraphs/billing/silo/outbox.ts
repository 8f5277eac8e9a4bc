import { type OutboxTable, localFromUtcMillis } from "../../../kit/subgraph";

/** Billing's outbox table (migration 0002): moments as local wall-clock DATETIMEs in the silo's zone, like the rest of the silo. */
export function billingOutbox(timeZone: string): OutboxTable {
  return {
    table: "evt_outbox",
    columns: { seq: "evt_no", customerId: "cust_no", kind: "evt_cd", occurredAt: "evt_local", body: "evt_body", sentAt: "sent_local" },
    time: (utcMillis) => localFromUtcMillis(utcMillis, timeZone),
  };
}
