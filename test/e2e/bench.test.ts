import { CASES } from "../../bench/cases";
import { measure } from "../../bench/measure";
import { type BenchStack, startBench } from "../../bench/processes";
import { checkEqual } from "../../bench/run";

/**
 * A smoke test of `npm run bench` (never of speed): our gateway and stock
 * Apollo over the same units give equal answers, and a short load through
 * each gets no errors.
 */
describe("the bench harness", () => {
  let stack: BenchStack;
  beforeAll(async () => {
    stack = await startBench({ kind: "sqlite", only: ["ours", "apollo"] });
  }, 120_000);
  afterAll(() => stack?.stop(), 30_000);

  it("gets equal responses from our gateway and stock Apollo for every case", async () => {
    expect(await checkEqual(stack, CASES)).toEqual([]);
  }, 60_000);

  it("runs a short load through each with zero errors and counts subgraph fetches", async () => {
    for (const g of stack.gateways) {
      const m = await measure({ url: g.url, pid: g.pid, authorization: stack.authorization, takeFetches: stack.takeFetches }, CASES.find((c) => c.key === "b")!, { seconds: 1, connections: 4 });
      expect({ gateway: g.key, errors: m.errors, firstError: m.firstError }).toEqual({ gateway: g.key, errors: 0, firstError: undefined });
      expect(m.requests).toBeGreaterThan(0);
      expect(m.fetchesPerRequest).toBeGreaterThan(0);
    }
  }, 60_000);
});
