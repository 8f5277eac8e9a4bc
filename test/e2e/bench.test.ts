import { CASES } from "../../bench/cases";
import { recordCeiling } from "../../bench/ceiling";
import { measure } from "../../bench/measure";
import { readFileSync } from "node:fs";
import { type BenchStack, startBench } from "../../bench/processes";
import { checkEqual } from "../../bench/run";
import { GATEWAY_ENV, GATEWAY_NODE_ARGS } from "../../scripts/manifest";

/**
 * A smoke test of `npm run bench` (never of speed): our gateway and stock
 * Apollo over the same units give equal answers, a short load through each
 * gets no errors, and the ceiling's recorded subgraph requests replay cleanly.
 */
describe("the bench harness", () => {
  let stack: BenchStack;
  beforeAll(async () => {
    stack = await startBench({ kind: "sqlite", only: ["ours", "apollo"] });
  }, 120_000);
  afterAll(() => stack?.stop(), 30_000);

  it("runs our gateway as production does (GATEWAY_NODE_ARGS, GATEWAY_ENV), and stock Apollo on node's and glibc's defaults", () => {
    // A process's command line and environment as it was started, NUL-separated (Linux).
    const started = (pid: number, file: "cmdline" | "environ") => readFileSync(`/proc/${pid}/${file}`, "utf8").split("\0");
    const ours = stack.gateways.find((g) => g.key === "ours")!;
    const apollo = stack.gateways.find((g) => g.key === "apollo")!;
    expect(started(ours.pid, "cmdline").slice(1, 1 + GATEWAY_NODE_ARGS.length)).toEqual(GATEWAY_NODE_ARGS);
    expect(started(ours.pid, "environ")).toEqual(expect.arrayContaining(Object.entries(GATEWAY_ENV).map(([name, value]) => `${name}=${value}`)));
    // No node flags: the script comes straight after node.
    expect(started(apollo.pid, "cmdline")[1]).toMatch(/apollo-stock\.js$/);
    // Unless the test itself runs with one of them, which every process it starts inherits.
    for (const name of Object.keys(GATEWAY_ENV)) if (process.env[name] === undefined) expect(started(apollo.pid, "environ").filter((line) => line.startsWith(`${name}=`))).toEqual([]);
  });

  it("gets equal responses from our gateway and stock Apollo for every case", async () => {
    expect(await checkEqual(stack, CASES)).toEqual([]);
  }, 60_000);

  it("runs a short load through each with zero errors and counts subgraph fetches", async () => {
    for (const g of stack.gateways) {
      const m = await measure(
        { url: g.url, pid: g.pid, authorization: stack.authorization, callers: stack.callers, takeFetches: stack.takeFetches },
        CASES.find((c) => c.key === "b")!,
        { seconds: 1, connections: 4 },
      );
      expect({ gateway: g.key, errors: m.errors, firstError: m.firstError }).toEqual({ gateway: g.key, errors: 0, firstError: undefined });
      expect(m.requests).toBeGreaterThan(0);
      expect(m.fetchesPerRequest).toBeGreaterThan(0);
    }
  }, 60_000);

  it("records stock Apollo's subgraph requests for a read in stages, skips a case with writes, and replays them with zero errors", async () => {
    const [a, d] = ["a", "d"].map((key) => CASES.find((c) => c.key === key)!);
    const ceiling = await recordCeiling(stack, [a, d], 2);
    try {
      expect([...ceiling.recorded.keys()]).toEqual(["a"]);
      // (a) needs entities from what its first fetches return: some fetch waits for an answer.
      expect(ceiling.recorded.get("a")!.every((fetches) => fetches.length > 1 && fetches.some((f) => f.after.length > 0))).toBe(true);
      const m = await ceiling.measure(a, { seconds: 0.5, connections: 2 });
      expect({ errors: m.errors, firstError: m.firstError }).toEqual({ errors: 0, firstError: undefined });
      // Counted at the units over every replayed request, also those ending after the window.
      expect(m.fetchesPerRequest).toBeGreaterThan(1);
    } finally {
      await ceiling.close();
    }
  }, 30_000);
});
