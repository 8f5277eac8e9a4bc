import type { Wrapper } from "./call";
import { CallFailure, circuitOpen } from "./failures";

/**
 * A circuit breaker for one subgraph. After `failures` consecutive failed
 * calls it opens: calls fail fast, so a dead unit costs a request nothing and
 * the unit is not hammered while it restarts. After `cooldownMs` one call is
 * let through (half-open); its success closes the breaker, its failure opens
 * it for another cool-down.
 */
export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  failures: number;
  cooldownMs: number;
  /** Injected for tests; defaults to Date.now. */
  now?: () => number;
  onChange?(to: BreakerState, from: BreakerState): void;
}

export class CircuitBreaker {
  private current: BreakerState = "closed";
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probing = false;
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The state as a caller would meet it now (an open breaker past its cool-down reads half-open). */
  get state(): BreakerState {
    return this.current === "open" && this.now() - this.openedAt >= this.options.cooldownMs ? "half-open" : this.current;
  }

  /**
   * Asks to make a call. False means fail fast. A true answer must be
   * followed by exactly one `success()` or `failure()`.
   */
  tryAcquire(): boolean {
    if (this.state === "closed") return true;
    if (this.state === "open" || this.probing) return false;
    // Half-open: this call is the one probe; others fail fast until it ends.
    this.move("half-open");
    this.probing = true;
    return true;
  }

  success(): void {
    this.probing = false;
    this.consecutiveFailures = 0;
    if (this.current !== "closed") this.move("closed");
  }

  failure(): void {
    this.probing = false;
    this.consecutiveFailures += 1;
    if (this.current === "half-open" || (this.current === "closed" && this.consecutiveFailures >= this.options.failures)) {
      this.openedAt = this.now();
      this.move("open");
    }
  }

  private move(to: BreakerState): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.options.onChange?.(to, from);
  }
}

/**
 * The breaker around one call to the unit. It sits outside retry.ts: a call
 * and its retries are one outcome, so a unit is not judged dead on one bad
 * moment counted three times. What counts against it is the unit not
 * answering properly (timeouts, connection errors, 5xx, unreadable answers);
 * a 4xx is the unit answering, and counts as a success. An open breaker
 * fails the call at once with `CIRCUIT_OPEN`, naming the unit.
 */
export function breaker(unit: string, circuit: CircuitBreaker): Wrapper {
  return (next) => async (call) => {
    if (!circuit.tryAcquire()) throw circuitOpen(unit);
    try {
      const response = await next(call);
      circuit.success();
      return response;
    } catch (err) {
      // Anything but a classified failure is the gateway's own fault, and says nothing good of the call either.
      if (!(err instanceof CallFailure) || err.unhealthy) circuit.failure();
      else circuit.success();
      throw err;
    }
  };
}
