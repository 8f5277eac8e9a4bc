import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { SharedStateMetrics } from "../operations/metrics";
import type { SharedState } from "../shared-state/redis";
import type { CallerBudget } from "./rate-limit";

/**
 * Per-caller budgets kept in Redis, so every replica counts against the same
 * one: N replicas behind a balancer give a caller the budget once, not N
 * times. rate-limiter-flexible does the counting, one atomic Lua script per
 * request (increment, and set the window's expiry on first use), so two
 * replicas taking the last unit at once cannot both get it.
 *
 * Its Redis limiter counts in fixed windows, not a refilling bucket. The
 * window is the time the per-minute rate takes to earn a whole burst, and
 * holds a burst: the default 1,200 a minute with bursts of 200 is 200 per
 * 10 s. A caller gets the same average rate and at most a burst at once
 * (two across a window's edge), as with the per-process bucket.
 *
 * When Redis does not answer (down, or slower than GATEWAY_REDIS_TIMEOUT_MS)
 * the request is let through or refused, as GATEWAY_RATE_LIMIT_ON_REDIS_DOWN
 * says, and counted; once Redis is back the budgets are checked again.
 */
export class SharedRateLimiter implements CallerBudget {
  private readonly limiter: RateLimiterRedis;

  constructor(
    private readonly shared: SharedState,
    private readonly metrics: SharedStateMetrics,
    perMinute: number,
    burst: number,
    private readonly onDown: "open" | "closed",
  ) {
    const { points, duration } = windowOf(perMinute, burst);
    this.limiter = new RateLimiterRedis({
      storeClient: shared.client,
      keyPrefix: `${shared.prefix}rate`,
      points,
      duration,
      // Not connected: fail now rather than wait for a command that cannot be sent.
      rejectIfRedisNotReady: true,
    });
  }

  async take(key: string): Promise<number | "unavailable"> {
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (err) {
      if (err instanceof RateLimiterRes) return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      this.shared.failed("rate_limit", err);
      this.metrics.unchecked(this.onDown === "open" ? "allowed" : "refused");
      return this.onDown === "open" ? 0 : "unavailable";
    }
  }
}

/** A fixed window (whole seconds) holding about one burst, at the per-minute rate. */
export function windowOf(perMinute: number, burst: number): { points: number; duration: number } {
  const duration = Math.max(1, Math.ceil((burst * 60) / perMinute));
  return { points: Math.max(1, Math.round((perMinute * duration) / 60)), duration };
}
