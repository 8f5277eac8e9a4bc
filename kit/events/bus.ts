import { type NatsConnection, type Subscription, connect } from "nats";
import type { Logger } from "../log";
import { type DomainEvent, parseEvent, subjectOf } from "./event";

/**
 * A unit's one connection to the event broker, NATS's protocol, whether the
 * broker is a real nats-server (production) or the embedded one `npm start`
 * runs (embedded-broker.ts). It connects in the background and keeps trying,
 * so a unit starts and serves while the broker is down; its writes keep
 * landing in the outbox and the relay publishes them once the broker is back.
 *
 * Publishing is confirmed: the events are written, then a PING must come back
 * as a PONG. The server answers in order, so the PONG means it has taken
 * every event before it. Only then are outbox rows marked sent; a publish
 * that is not confirmed in time leaves them unsent (a later retry may deliver
 * one twice: consumers dedupe by id).
 */
export class BrokerUnavailable extends Error {}

export class EventBus {
  private nc: NatsConnection | null = null;
  private connected = false;
  private closed = false;
  private firstConnect: Promise<NatsConnection> | null = null;
  private wake: (() => void) | null = null;
  private readonly closing: Promise<null>;
  private markClosed!: (value: null) => void;

  constructor(
    readonly url: string,
    private readonly name: string,
    private readonly logger: Logger,
    private readonly retry = { baseMs: 250, maxMs: 10_000 },
  ) {
    this.closing = new Promise((resolve) => (this.markClosed = resolve));
  }

  /** Starts connecting in the background (idempotent). */
  start(): void {
    if (!this.firstConnect) this.firstConnect = this.connectLoop();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Publishes `events` on their subjects; resolves once the broker confirms, throws BrokerUnavailable otherwise. */
  async publish(events: readonly DomainEvent[], confirmWithinMs: number): Promise<void> {
    const nc = this.nc;
    if (!nc || !this.connected) throw new BrokerUnavailable(`the event broker at ${this.url} is not connected`);
    for (const event of events) nc.publish(subjectOf(event.unit, event.customerId), Buffer.from(JSON.stringify(event)));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([nc.flush(), new Promise((_, reject) => (timer = setTimeout(() => reject(new BrokerUnavailable(`the event broker at ${this.url} did not confirm within ${confirmWithinMs} ms`)), confirmWithinMs)))]);
    } catch (err) {
      throw err instanceof BrokerUnavailable ? err : new BrokerUnavailable(`publishing to ${this.url} failed: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Events on `subject` (wildcards allowed) until `stop()` is called. Waits
   * for the first connection; afterwards the client re-subscribes by itself
   * after every reconnect.
   */
  async subscribe(subject: string, onEvent: (event: DomainEvent) => void): Promise<() => void> {
    this.start();
    const nc = await Promise.race([this.firstConnect!, this.closing]);
    if (!nc || this.closed) return () => undefined;
    const sub: Subscription = nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        const event = parseEvent(Buffer.from(msg.data).toString("utf8"));
        if (event) onEvent(event);
      },
    });
    return () => sub.unsubscribe();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.markClosed(null);
    this.wake?.();
    const nc = this.nc;
    this.nc = null;
    this.connected = false;
    if (nc && !nc.isClosed()) await nc.close().catch(() => undefined);
  }

  private async connectLoop(): Promise<NatsConnection> {
    const server = this.url.replace(/^nats:\/\//i, "");
    for (let attempt = 0; !this.closed; attempt += 1) {
      try {
        // After the first connection the client reconnects by itself, forever.
        const nc = await connect({ servers: server, name: this.name, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 500, timeout: 2000 });
        if (this.closed) {
          await nc.close();
          break;
        }
        this.nc = nc;
        this.connected = true;
        this.logger.info({ broker: this.url }, "event broker connected");
        void this.watch(nc);
        return nc;
      } catch (err) {
        if (attempt === 0) this.logger.warn({ broker: this.url, err: (err as Error).message }, "event broker unreachable; events wait in the outbox, retrying");
        const delay = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** Math.min(attempt, 10));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    // Closed before ever connecting: waiting subscribers are released by `closing`.
    return new Promise<NatsConnection>(() => undefined);
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === "disconnect") {
        this.connected = false;
        this.logger.warn({ broker: this.url }, "event broker disconnected; events wait in the outbox");
      } else if (status.type === "reconnect") {
        this.connected = true;
        this.logger.info({ broker: this.url }, "event broker reconnected");
      }
    }
  }
}
