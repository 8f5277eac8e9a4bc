import type { OutboxTable } from "../../../kit/subgraph";
import { utcWallTime } from "./utc-time";

/** Retail's outbox table (migration 0002): moments as UTC wall-time DATETIMEs, like the rest of the silo. */
export const retailOutbox: OutboxTable = {
  table: "rt_event_outbox",
  columns: { seq: "event_id", customerId: "customer_code", kind: "event_type", occurredAt: "occurred_utc", body: "payload", sentAt: "published_utc" },
  time: utcWallTime,
};
