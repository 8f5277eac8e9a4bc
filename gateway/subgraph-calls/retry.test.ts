import { callOf } from "../../test/support/calls";
import type { Call } from "./call";
import { badStatus, connectionFailed, timedOut } from "./failures";
import { backoffMs, retry } from "./retry";

/** The retry wrapper alone, over a `next` that fails as it is told, then answers. */
describe("retry", () => {
  const answering = (failures: unknown[]): { next: Call; attempts: () => number } => {
    let attempts = 0;
    return {
      next: async () => {
        attempts += 1;
        if (attempts <= failures.length) throw failures[attempts - 1];
        return { data: { ok: true } };
      },
      attempts: () => attempts,
    };
  };
  const policy = { retries: 2, retryBaseMs: 1 };

  it("sends a query again after failures that say try again, up to the retries", async () => {
    const unit = answering([connectionFailed("ledger"), badStatus("ledger", 503)]);
    await expect(retry(policy)(unit.next)(callOf())).resolves.toEqual({ data: { ok: true } });
    expect(unit.attempts()).toBe(3);
  });

  it("gives up after the retries with the last failure", async () => {
    const unit = answering([connectionFailed("ledger"), badStatus("ledger", 502), badStatus("ledger", 504)]);
    await expect(retry(policy)(unit.next)(callOf())).rejects.toMatchObject({ message: "the ledger unit is unavailable (HTTP 504)" });
    expect(unit.attempts()).toBe(3);
  });

  it.each([
    ["a mutation", callOf({ operation: "mutation" }), connectionFailed("ledger")],
    ["an operation it could not read", callOf({ operation: undefined }), connectionFailed("ledger")],
    ["a 4xx", callOf(), badStatus("ledger", 400)],
    ["a 500", callOf(), badStatus("ledger", 500)],
    ["a timeout", callOf(), timedOut("ledger", 100, false)],
    ["an error of the gateway's own", callOf(), new TypeError("a bug")],
  ])("sends %s once", async (_what, call, failure) => {
    const unit = answering([failure]);
    await expect(retry(policy)(unit.next)(call)).rejects.toBe(failure);
    expect(unit.attempts()).toBe(1);
  });

  it("does not wait past the request's deadline for a retry", async () => {
    const unit = answering([connectionFailed("ledger")]);
    // A backoff of up to 1000 ms, 50 ms of deadline left; `random` picks the longest.
    await expect(retry({ retries: 2, retryBaseMs: 1000 }, () => 1)(unit.next)(callOf({ deadline: Date.now() + 50 }))).rejects.toMatchObject({ extensions: { code: "UNAVAILABLE" } });
    expect(unit.attempts()).toBe(1);
  });

  it("backs off with full jitter: up to base·2^attempt", () => {
    expect(backoffMs(0, 50, () => 1)).toBe(50);
    expect(backoffMs(2, 50, () => 1)).toBe(200);
    expect(backoffMs(2, 50, () => 0.5)).toBe(100);
    expect(backoffMs(3, 50, () => 0)).toBe(0);
  });
});
