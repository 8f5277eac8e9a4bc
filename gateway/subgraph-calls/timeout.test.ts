import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { callOf } from "../../test/support/calls";
import type { CallRequest } from "./call";
import { deadline, timeout } from "./timeout";

/** The two time bounds alone, on jest's clock, over a `next` that never answers. */
describe("timeout and deadline", () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const never = () => {
    const calls: CallRequest[] = [];
    return { calls, next: (call: CallRequest) => (calls.push(call), new Promise<GatewayGraphQLResponse>(() => {})) };
  };
  const settled = async (promise: Promise<unknown>) =>
    promise.then(
      () => "answered",
      (err: Error) => err,
    );

  it("aborts an attempt at the unit's timeout, saying how long it waited", async () => {
    const unit = never();
    const answer = settled(timeout("ledger", 800)(unit.next)(callOf({ deadline: Date.now() + 5000 })));
    jest.advanceTimersByTime(799);
    expect(unit.calls[0].signal?.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(unit.calls[0].signal?.aborted).toBe(true);
    expect(await answer).toMatchObject({ message: "the ledger unit did not answer within 800 ms", extensions: { code: "TIMEOUT", unit: "ledger" } });
  });

  it("gives an attempt only what is left of the deadline, and says so", async () => {
    const unit = never();
    const answer = settled(timeout("ledger", 800)(unit.next)(callOf({ deadline: Date.now() + 300 })));
    jest.advanceTimersByTime(300);
    expect(await answer).toMatchObject({ message: "the ledger unit did not answer before the request's deadline" });
  });

  it("does not call a unit once the deadline has passed", async () => {
    const unit = never();
    expect(await settled(timeout("ledger", 800)(unit.next)(callOf({ deadline: Date.now() })))).toMatchObject({ extensions: { code: "TIMEOUT" } });
    expect(await settled(deadline("ledger")(unit.next)(callOf({ deadline: Date.now() - 1 })))).toMatchObject({ extensions: { code: "TIMEOUT" } });
    expect(unit.calls).toHaveLength(0);
  });

  it("ends a fetch at its own request's deadline, whatever it waits on", async () => {
    const unit = never();
    const answer = settled(deadline("ledger")(unit.next)(callOf({ deadline: Date.now() + 2000 })));
    jest.advanceTimersByTime(2000);
    expect(await answer).toMatchObject({ message: "the ledger unit did not answer before the request's deadline" });
  });

  it("leaves a call without a deadline (the gateway's own) alone", async () => {
    const answered = deadline("ledger")(async () => ({ data: { ok: true } }))(callOf({ context: null, deadline: Infinity }));
    await expect(answered).resolves.toEqual({ data: { ok: true } });
  });
});
