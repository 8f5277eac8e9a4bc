import { callOf } from "../../test/support/calls";
import { type BreakerState, CircuitBreaker, breaker } from "./breaker";
import { badStatus, connectionFailed, timedOut } from "./failures";

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

describe("the breaker around one call", () => {
  const circuit = () => new CircuitBreaker({ failures: 2, cooldownMs: 60_000 });
  const failing = (failure: unknown) => {
    let calls = 0;
    return { next: async () => ((calls += 1), Promise.reject(failure)), calls: () => calls };
  };

  it("opens after calls that say the unit is unwell, then fails fast with CIRCUIT_OPEN without calling it", async () => {
    const b = circuit();
    const unit = failing(connectionFailed("ledger"));
    const call = breaker("ledger", b)(unit.next);
    for (let i = 0; i < 2; i += 1) await expect(call(callOf())).rejects.toMatchObject({ extensions: { code: "UNAVAILABLE" } });
    await expect(call(callOf())).rejects.toMatchObject({ extensions: { code: "CIRCUIT_OPEN", unit: "ledger" }, message: expect.stringMatching(/^the ledger unit is not being called/) });
    expect(unit.calls()).toBe(2);
    expect(b.state).toBe("open");
  });

  it("counts a refusal (4xx) as the unit answering", async () => {
    const b = circuit();
    const call = breaker("ledger", b)(failing(badStatus("ledger", 403)).next);
    for (let i = 0; i < 3; i += 1) await expect(call(callOf())).rejects.toMatchObject({ extensions: { code: "UNIT_REFUSED" } });
    expect(b.state).toBe("closed");
  });

  it("closes on an answer", async () => {
    const b = circuit();
    await expect(breaker("ledger", b)(failing(timedOut("ledger", 10, false)).next)(callOf())).rejects.toBeDefined();
    await breaker("ledger", b)(async () => ({ data: {} }))(callOf());
    await expect(breaker("ledger", b)(failing(timedOut("ledger", 10, false)).next)(callOf())).rejects.toBeDefined();
    expect(b.state).toBe("closed");
  });
});
