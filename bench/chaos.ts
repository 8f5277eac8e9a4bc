import "reflect-metadata";
import { PER_UNIT } from "../test/e2e/queries";
import { startDelayProxy } from "../test/support/delay-proxy";
import { type Sample, startLoad } from "../test/support/load";
import { startStack } from "../test/support/stack";
import { answerHelp, usageError } from "../scripts/cli";

/**
 * `npm run chaos [-- --seconds=40]`: the graph as real processes on loopback
 * under a steady load, while bookings is killed and restarted and retail
 * (behind a delay proxy) turns slower than its timeout, in turns. Prints what
 * clients saw per phase and how long each unit took to be served again.
 * Exits non-zero if the gateway died, answered anything but 200, or lost a
 * healthy unit's fields.
 */
const FULL: Record<string, unknown> = { billing: { name: "Maria Schmidt" }, bookings: { stayCount: 5 }, retail: { loyalty: { tier: "GOLD" } }, promotions: { consent: { email: true } } };
const BODY = { query: PER_UNIT, variables: { id: "C000001" } };
const CLIENTS = 8;
const RETAIL_TIMEOUT_MS = 800;

interface Phase {
  name: string;
  /** The unit this phase hurts; any other unit's missing field is collateral damage. */
  target?: string;
  from: number;
  to: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const USAGE = `usage: npm run chaos [-- --seconds=N]
The graph on loopback under load for N seconds (10 to 120, default 40) while bookings is killed
and restarted and retail turns slower than its timeout, in turns; prints what clients saw per
phase. Exit 1 if the gateway died, answered anything but 200, or lost a healthy unit's fields.`;

async function main(): Promise<number> {
  answerHelp(USAGE);
  const seconds = Number(/^--seconds=(\d+)$/.exec(process.argv.find((a) => a.startsWith("--seconds=")) ?? "")?.[1] ?? 40);
  if (!(seconds >= 10 && seconds <= 120)) return usageError("--seconds must be between 10 and 120", USAGE);

  const retail = await startDelayProxy();
  const stack = await startStack({
    env: { GATEWAY_LOG_LEVEL: "warn" },
    gatewayEnv: { SUBGRAPH_RETAIL_URL: retail.url, SUBGRAPH_RETAIL_TIMEOUT_MS: String(RETAIL_TIMEOUT_MS), GATEWAY_REQUEST_DEADLINE_MS: "2500", GATEWAY_BREAKER_COOLDOWN_MS: "1000" },
    deferUnits: true,
  });
  retail.target = new URL(stack.unitUrls.get("retail")!).origin;
  await stack.startUnits();
  // A unit's first queries warm its silo and code paths and may outlast the short timeout; that is not what this measures.
  const warmUp = startLoad(stack.gatewayUrl, BODY, CLIENTS);
  await sleep(1000);
  await warmUp.stop();

  const phases: Phase[] = [];
  const recoveries: { what: string; ms: number }[] = [];
  const load = startLoad(stack.gatewayUrl, BODY, CLIENTS);
  const phase = async (name: string, target: string | undefined, run: () => Promise<void>) => {
    const from = Date.now();
    await run();
    phases.push({ name, target, from, to: Date.now() });
  };
  /** Time from `since` until the first answer sent after it that has the unit's fields. */
  const recovered = async (unit: string, since: number) => {
    for (;;) {
      const good = load.samples.find((s) => s.at >= since && same(s.data?.[unit], FULL[unit]));
      if (good) return good.at + good.ms - since;
      await sleep(20);
    }
  };

  const ends = Date.now() + seconds * 1000;
  for (let round = 1; Date.now() < ends - 8000; round += 1) {
    await phase("steady", undefined, () => sleep(1500));
    await phase("bookings killed", "bookings", async () => {
      const proc = stack.procs.get("bookings")!;
      proc.child.kill("SIGKILL");
      await proc.exited;
      await sleep(2500);
      await stack.restart("bookings");
      const restarted = Date.now();
      recoveries.push({ what: `bookings restart ${round}`, ms: await recovered("bookings", restarted) });
    });
    await phase("steady", undefined, () => sleep(1500));
    await phase("retail slow", "retail", async () => {
      retail.delayMs = RETAIL_TIMEOUT_MS * 3;
      await sleep(2500);
      retail.delayMs = 0;
      const fixed = Date.now();
      recoveries.push({ what: `retail fixed ${round}`, ms: await recovered("retail", fixed) });
    });
  }
  await phase("steady", undefined, () => sleep(Math.max(1000, ends - Date.now())));
  const samples = await load.stop();
  const alive = stack.procs.get("gateway")!.child.exitCode === null;
  await stack.stop();
  await retail.close();

  const rows = summarize(samples, phases);
  process.stdout.write(render(seconds, alive, rows, recoveries));
  const total = rows[rows.length - 1];
  return alive && total.failed === 0 && total.collateral === 0 ? 0 : 1;
}

interface Row {
  phase: string;
  requests: number;
  ok: number;
  partial: number;
  failed: number;
  collateral: number;
  codes: Map<string, number>;
  p50: number;
  max: number;
}

function summarize(samples: Sample[], phases: Phase[]): Row[] {
  const rows = new Map<string, Row>();
  const row = (name: string) => {
    let r = rows.get(name);
    if (!r) rows.set(name, (r = { phase: name, requests: 0, ok: 0, partial: 0, failed: 0, collateral: 0, codes: new Map(), p50: 0, max: 0 }));
    return r;
  };
  const latencies = new Map<string, number[]>();
  for (const s of samples) {
    // A request counts where its answer arrived; it may blame any unit hurt while it was in flight.
    const done = s.at + s.ms;
    const p = phases.find((ph) => done >= ph.from && done < ph.to) ?? phases[phases.length - 1];
    const hurt = new Set(phases.filter((ph) => ph.from <= done && ph.to >= s.at).map((ph) => ph.target));
    for (const r of [row(p.name), row("all")]) {
      r.requests += 1;
      if (s.status !== 200) r.failed += 1;
      else if (s.errors.length === 0) r.ok += 1;
      else r.partial += 1;
      const lost = Object.keys(FULL).filter((unit) => !same(s.data?.[unit], FULL[unit]) && !hurt.has(unit));
      if (s.status === 200 && lost.length > 0) r.collateral += 1;
      for (const e of s.errors) r.codes.set(`${e.code}/${e.unit ?? "-"}`, (r.codes.get(`${e.code}/${e.unit ?? "-"}`) ?? 0) + 1);
      r.max = Math.max(r.max, s.ms);
      latencies.set(r.phase, [...(latencies.get(r.phase) ?? []), s.ms]);
    }
  }
  for (const r of rows.values()) {
    const sorted = (latencies.get(r.phase) ?? [0]).sort((a, b) => a - b);
    r.p50 = sorted[Math.floor(sorted.length / 2)];
  }
  const all = rows.get("all")!;
  rows.delete("all");
  return [...rows.values(), all];
}

function render(seconds: number, alive: boolean, rows: Row[], recoveries: { what: string; ms: number }[]): string {
  const head = ["phase", "requests", "ok", "partial", "failed", "collateral", "errors by code/unit", "p50 ms", "max ms"];
  const body = rows.map((r) => [r.phase, r.requests, r.ok, r.partial, r.failed, r.collateral, [...r.codes].map(([k, n]) => `${k} ${n}`).join(", ") || "-", r.p50, r.max].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  return [
    "",
    `chaos: ${seconds} s, ${CLIENTS} clients, loopback; gateway still up at the end: ${alive ? "yes" : "NO"}`,
    "(a request counts in the phase its answer arrived in; failed = no HTTP 200; collateral = fields lost of a unit nobody hurt)",
    "",
    line(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...body.map(line),
    "",
    "recoveries (restart or fix -> first full answer for that unit):",
    ...recoveries.map((r) => `  ${r.what.padEnd(20)} ${(r.ms / 1000).toFixed(2)} s`),
    "",
  ].join("\n");
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`chaos failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
