import { connect } from "nats";
import type { DomainEvent } from "../../kit/events/event";
import { parseEvent } from "../../kit/events/event";

/**
 * A consumer as the docs describe one: subscribes with the NATS client,
 * dedupes by event id, and remembers every delivery so a test can assert
 * that each event arrived, and how often.
 */
export interface Listener {
  /** Distinct events, in arrival order. */
  readonly events: DomainEvent[];
  /** Deliveries per event id (more than one: a re-delivery, deduped). */
  readonly deliveries: Map<string, number>;
  close(): Promise<void>;
}

export async function listen(url: string, subject: string): Promise<Listener> {
  const nc = await connect({ servers: url.replace(/^nats:\/\//, ""), reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  const events: DomainEvent[] = [];
  const deliveries = new Map<string, number>();
  nc.subscribe(subject, {
    callback: (_err, msg) => {
      const event = parseEvent(Buffer.from(msg.data).toString("utf8"));
      if (!event) return;
      deliveries.set(event.id, (deliveries.get(event.id) ?? 0) + 1);
      if (deliveries.get(event.id) === 1) events.push(event);
    },
  });
  await nc.flush();
  return { events, deliveries, close: () => nc.close() };
}
