import type { AdmissionStep } from "./step";

/**
 * A caller's budget, wherever it is kept: 0 when the request may go ahead,
 * else the seconds to wait; `unavailable` when the budget could not be read
 * (its store is down) and the request must be refused for that.
 */
export interface CallerBudget {
  take(key: string): number | "unavailable" | Promise<number | "unavailable">;
}

/**
 * A token bucket per caller (the token's subject, or the client address for
 * anonymous callers): `perMinute` requests a minute on average, bursts up to
 * `burst`. Buckets live in this process, so each gateway replica limits on
 * its own; behind a load balancer the effective budget is replicas × budget.
 */
export class RateLimiter implements CallerBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when the request may go ahead, else the seconds to wait. */
  take(key: string): number {
    if (this.perMinute <= 0) return 0;
    const rate = this.perMinute / 60_000;
    const t = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (t - bucket.at) * rate);
    bucket.at = t;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.sweep(t);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000));
  }

  /** Forget callers whose buckets have refilled: they would start full anyway. */
  private sweep(t: number): void {
    const full = (this.burst / this.perMinute) * 60_000;
    for (const [key, b] of this.buckets) if (t - b.at > full) this.buckets.delete(key);
  }
}

/**
 * The rate limit as an admission step: after the identity step, so a signed-in
 * caller is limited by who they are, wherever they call from. Past the budget,
 * a 429 saying which limit and when to come back (`Retry-After`).
 */
export function rateLimit(limiter: CallerBudget, perMinute: number): AdmissionStep {
  return async ({ identity, info }) => {
    const wait = await limiter.take(identity ? `sub:${identity.subject}` : `ip:${info.remoteAddress}`);
    if (wait === "unavailable") {
      return { status: 503, code: "RATE_LIMIT_UNAVAILABLE", message: "the rate limit cannot be checked right now (its shared store does not answer) and this gateway refuses unchecked requests; retry shortly", headers: { "retry-after": "1" } };
    }
    if (wait <= 0) return undefined;
    return { status: 429, code: "RATE_LIMITED", message: `rate limit: more than ${perMinute} requests a minute from this caller; retry in ${wait} s`, headers: { "retry-after": String(wait) } };
  };
}
