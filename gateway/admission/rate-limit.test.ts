import { RateLimiter } from "./rate-limit";

describe("rate limiter", () => {
  it("allows a burst, then asks to wait, then refills at the budgeted rate", () => {
    let now = 0;
    const limiter = new RateLimiter(60, 3, () => now); // one a second, bursts of 3
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a")]).toEqual([0, 0, 0]);
    expect(limiter.take("a")).toBe(1);
    expect(limiter.take("b")).toBe(0); // callers are independent
    now += 1000;
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBe(1);
  });

  it("is off at 0", () => {
    const limiter = new RateLimiter(0, 1);
    for (let i = 0; i < 100; i += 1) expect(limiter.take("a")).toBe(0);
  });
});
