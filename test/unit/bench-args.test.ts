import { spawn } from "node:child_process";
import { parseArgs } from "../../bench/run";
import { mainThreadCpuMs, processStats } from "../../bench/processes";

describe("the bench's options and readings", () => {
  it("takes node flags for our gateway whole, each with its own '=', and then writes no results file", () => {
    const args = parseArgs(["--cases=c", "--gateway-node-args=--heap-growing-percent=50,--single-threaded-gc"]);
    expect(args.gatewayNodeArgs).toEqual(["--heap-growing-percent=50", "--single-threaded-gc"]);
    expect(parseArgs(["--gateway-node-args=--max-semi-space-size=16"]).write).toBe(false);
    expect(parseArgs([]).gatewayNodeArgs).toBeUndefined();
    expect(parseArgs([]).write).toBe(true);
  });

  it("takes our gateway's environment as NAME=value settings, a value keeping its own '=', and then writes no results file", () => {
    const args = parseArgs(["--cases=c", "--gateway-env=MALLOC_ARENA_MAX=1,MALLOC_MMAP_THRESHOLD_=65536,GLIBC_TUNABLES=glibc.malloc.trim_threshold=1"]);
    expect(args.gatewayEnv).toEqual({ MALLOC_ARENA_MAX: "1", MALLOC_MMAP_THRESHOLD_: "65536", GLIBC_TUNABLES: "glibc.malloc.trim_threshold=1" });
    // Empty: none at all, production's left out too.
    expect(parseArgs(["--gateway-env="]).gatewayEnv).toEqual({});
    expect(parseArgs(["--gateway-env=MALLOC_ARENA_MAX=2"]).write).toBe(false);
    expect(parseArgs([]).gatewayEnv).toBeUndefined();
    expect(() => parseArgs(["--gateway-env=MALLOC_ARENA_MAX"])).toThrow('--gateway-env takes NAME=value settings, comma-separated, not "MALLOC_ARENA_MAX"');
  });

  it("reads every other option's value as before", () => {
    const args = parseArgs(["--only=ours,apollo", "--cases=c,h", "--seconds=12", "--rounds=3", "--connections=20", "--profile=ours"]);
    expect(args).toMatchObject({ only: ["ours", "apollo"], cases: ["c", "h"], seconds: 12, rounds: 3, connections: 20, profile: ["ours"], write: false });
  });

  it("splits a process's CPU into its main thread and the rest", async () => {
    // A child that spins its main thread for 0.4 s of CPU (however busy the machine): nearly all of its CPU is the main thread's.
    const child = spawn(process.execPath, ["-e", "while (process.cpuUsage().user < 400e3); console.log('done'); setTimeout(() => {}, 5000);"], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      const main = mainThreadCpuMs(child.pid!);
      const stats = processStats(child.pid!);
      expect(stats.cpuMs).toBeGreaterThanOrEqual(400);
      expect(main).toBeGreaterThan(0);
      // The kernel splits a process's run time and a thread's into user and system time separately, each rounded
      // down to clock ticks (10 ms): the main thread alone has read one tick more than the whole process (1,940 against 1,930 ms).
      expect(main).toBeLessThanOrEqual(stats.cpuMs + 10);
      expect(main / stats.cpuMs).toBeGreaterThan(0.5);
    } finally {
      child.kill();
    }
  });
});
