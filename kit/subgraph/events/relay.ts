import type { Logger } from "../../log";
import { type EventBus } from "../../events/bus";
import type { Outbox } from "./outbox";

/**
 * Moves a unit's outbox to the broker: unsent rows oldest first, a batch at a
 * time, each batch marked sent only once the broker has confirmed it. It runs
 * in every unit process that serves (started and stopped with the HTTP
 * server). Woken by each commit that recorded an event, and polling anyway,
 * so rows written by another replica or left by a crash are published too.
 *
 * When the broker is down nothing is marked: the rows wait in the silo and
 * the relay retries with exponential backoff (capped), draining the backlog
 * in order once the broker answers again. The silo being down is the same
 * case: retried, never skipped.
 */
export interface RelayOptions {
  /** Poll interval when idle, in ms. */
  pollMs: number;
  batchSize?: number;
  /** Longest wait for the broker to confirm a batch. */
  confirmWithinMs?: number;
  /** Backoff after a failure: starts here, doubles, stops growing at maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nudge: (() => void) | null = null;
  private release: (() => void) | null = null;
  private pendingWake = false;
  private unlisten: (() => void) | null = null;
  private readonly options: Required<RelayOptions>;
  /** Events published since start (for tests and logs). */
  published = 0;

  constructor(
    private readonly outbox: Outbox,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    options: RelayOptions,
  ) {
    this.options = { batchSize: 100, confirmWithinMs: 5000, backoffMs: 200, maxBackoffMs: 15_000, ...options };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.bus.start();
    this.unlisten = this.outbox.onRecorded(() => this.wake());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unlisten?.();
    this.release?.();
    await this.loop;
  }

  /** Publishes every unsent row now (the loop's one step, repeated until the outbox is empty). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.outbox.relay(this.options.batchSize, (events) => this.bus.publish(events, this.options.confirmWithinMs));
      total += n;
      this.published += n;
      if (n < this.options.batchSize) return total;
    }
  }

  private wake(): void {
    this.pendingWake = true;
    this.nudge?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      this.pendingWake = false;
      let waitMs = this.options.pollMs;
      try {
        if (this.bus.isConnected) {
          const n = await this.drain();
          if (failures > 0) this.logger.info({ unit: this.outbox.unit, published: n }, "outbox relay recovered; backlog published");
          failures = 0;
        }
      } catch (err) {
        failures += 1;
        if (failures === 1) this.logger.warn({ unit: this.outbox.unit, err: (err as Error).message }, "outbox relay could not publish; rows stay in the outbox, retrying");
        const ceiling = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** Math.min(failures, 16));
        waitMs = ceiling / 2 + Math.random() * (ceiling / 2);
      }
      // A commit during the drain above must not wait for the next poll.
      if (!this.running) break;
      if (this.pendingWake && failures === 0) continue;
      await new Promise<void>((resolve) => {
        this.timer = setTimeout(resolve, waitMs);
        this.release = () => {
          if (this.timer) clearTimeout(this.timer);
          resolve();
        };
        // A new commit cuts an idle wait short, never a backoff.
        this.nudge = failures === 0 ? this.release : null;
      });
      this.nudge = null;
      this.release = null;
    }
  }
}
