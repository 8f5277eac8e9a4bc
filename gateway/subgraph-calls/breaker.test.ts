import { type BreakerState, CircuitBreaker } from "./breaker";

describe("circuit breaker", () => {
  let now = 0;
  let transitions: string[] = [];
  const breaker = () => {
    now = 1_000;
    transitions = [];
    return new CircuitBreaker({ failures: 3, cooldownMs: 500, now: () => now, onChange: (to: BreakerState, from: BreakerState) => transitions.push(`${from}->${to}`) });
  };
  const fail = (b: CircuitBreaker, times: number) => {
    for (let i = 0; i < times; i += 1) {
      expect(b.tryAcquire()).toBe(true);
      b.failure();
    }
  };

  it("stays closed below the threshold, and a success resets the count", () => {
    const b = breaker();
    fail(b, 2);
    expect(b.tryAcquire()).toBe(true);
    b.success();
    fail(b, 2);
    expect(b.state).toBe("closed");
    expect(transitions).toEqual([]);
  });

  it("opens after consecutive failures and fails fast for the cool-down", () => {
    const b = breaker();
    fail(b, 3);
    expect(b.state).toBe("open");
    expect(b.tryAcquire()).toBe(false);
    now += 499;
    expect(b.tryAcquire()).toBe(false);
    expect(transitions).toEqual(["closed->open"]);
  });

  it("lets exactly one probe through after the cool-down and closes on its success", () => {
    const b = breaker();
    fail(b, 3);
    now += 500;
    expect(b.state).toBe("half-open");
    expect(b.tryAcquire()).toBe(true); // the probe
    expect(b.tryAcquire()).toBe(false); // others fail fast while it runs
    b.success();
    expect(b.state).toBe("closed");
    expect(b.tryAcquire()).toBe(true);
    expect(transitions).toEqual(["closed->open", "open->half-open", "half-open->closed"]);
  });

  it("re-opens for a fresh cool-down when the probe fails", () => {
    const b = breaker();
    fail(b, 3);
    now += 600;
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.state).toBe("open");
    now += 499;
    expect(b.tryAcquire()).toBe(false);
    now += 1;
    expect(b.tryAcquire()).toBe(true);
    b.success();
    expect(transitions).toEqual(["closed->open", "open->half-open", "half-open->open", "open->half-open", "half-open->closed"]);
  });
});
