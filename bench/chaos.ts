import "reflect-metadata";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLES } from "../demo/examples";
import { loadGatewayConfig } from "../gateway/config";
import { mintToken } from "../gateway/admission/token";
import { ROOT, readManifest } from "../scripts/manifest";
import { type Dependencies, dependenciesOf, missingUnaffected, unitsTouched } from "../test/support/fail-alone";
import { type Caller, type CallerSample, send, startCallers } from "../test/support/load";
import { startStack } from "../test/support/stack";
import { answerHelp, usageError } from "../scripts/cli";

/**
 * `npm run chaos [-- --seconds=6 --callers=12]`: the graph as real processes
 * on loopback, under load from many distinct callers (a token each) running
 * every GraphiQL worked example, while each unit in turn is killed, then hung
 * (SIGSTOP), for `--seconds`, and comes back. Prints, per unit and mode, what
 * callers saw: requests, answers with every field that does not depend on the
 * unit (as with every unit up; "depends" read from the supergraph),
 * whole-response losses, errors by code, p50/p99, and how long after the
 * unit came back its fields were served again. Exits non-zero on any
 * whole-response loss, any answer that lost an unaffected field, a unit
 * never served again, or a gateway that died.
 */
interface Phase {
  unit: string;
  mode: "stopped" | "hung" | "-";
  from: number;
  /** When the unit was back (restarted and healthy, or continued). */
  back: number;
  recovered?: number;
  requests: number;
  complete: number;
  losses: number;
  codes: Map<string, number>;
  latencies: number[];
  /** A few answers that lacked an unaffected field, to say which. */
  faults: string[];
}

const option = (name: string, fallback: number, min: number, max: number): number => {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
  return value;
};
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const USAGE = `usage: npm run chaos [-- --seconds=N --callers=C]
The graph on loopback under load from C callers (1 to 200, default 12; a token each) running every
GraphiQL worked example, while each unit in turn is killed, then hung (SIGSTOP), for N seconds
(2 to 120, default 6) and comes back; prints a table per unit and mode. Exit 1 on a whole-response
loss, an answer that lost a field not depending on the unit, a unit never served again, or a
gateway that died.`;

async function main(): Promise<number> {
  answerHelp(USAGE);
  let seconds: number;
  let callerCount: number;
  try {
    seconds = option("seconds", 6, 2, 120);
    callerCount = option("callers", 12, 1, 200);
  } catch (err) {
    return usageError((err as Error).message, USAGE);
  }
  const units = readManifest().map((e) => e.name);
  const supergraph = readFileSync(join(ROOT, "schema", "supergraph.graphql"), "utf8");
  const dependencies = new Map<string, Dependencies>(EXAMPLES.map((e) => [e.title, dependenciesOf(supergraph, e.query)]));

  const stack = await startStack({
    env: { GATEWAY_LOG_LEVEL: "warn" },
    // Timeouts wide enough for a busy two-core machine (a healthy unit must not time out), short enough that a hung one costs seconds.
    gatewayEnv: { GATEWAY_SUBGRAPH_TIMEOUT_MS: "2500", GATEWAY_REQUEST_DEADLINE_MS: "6000", GATEWAY_BREAKER_COOLDOWN_MS: "1000" },
  });
  const body = (e: (typeof EXAMPLES)[number]) => ({ query: e.query, variables: e.variables });
  // The first round commits the redemption (its idempotency key replays it from then on); the second is the baseline.
  for (const e of EXAMPLES) await send(stack.gatewayUrl, body(e), { "x-channel": e.channel });
  const baseline = new Map<string, unknown>();
  for (const e of EXAMPLES) {
    const answer = await send(stack.gatewayUrl, body(e), { "x-channel": e.channel });
    if (answer.status !== 200 || answer.errors.length > 0) throw new Error(`"${e.title}" fails with every unit up: ${JSON.stringify(answer.errors)}`);
    baseline.set(e.title, answer.data);
  }

  const config = loadGatewayConfig({});
  const callers: Caller[] = await Promise.all(
    Array.from({ length: callerCount }, async (_, i) => {
      let turn = i;
      const authorization = `Bearer ${await mintToken(config, { role: "agent", sub: `chaos-caller-${i}` })}`;
      return {
        authorization,
        next() {
          const e = EXAMPLES[turn++ % EXAMPLES.length];
          return { name: e.title, body: body(e), headers: { "x-channel": e.channel } };
        },
      };
    }),
  );

  const phases: Phase[] = [];
  const phase = (unit: string, mode: Phase["mode"]): Phase => {
    const p: Phase = { unit, mode, from: Date.now(), back: Infinity, requests: 0, complete: 0, losses: 0, codes: new Map(), latencies: [], faults: [] };
    phases.push(p);
    return p;
  };
  let current = phase("none", "-");
  const onSample = (s: CallerSample) => {
    // The last phase the request was in flight during (a unit killed while
    // it waited counts against that unit); else the one it was sent after.
    let p = phases[0];
    for (const ph of phases) if (s.at >= ph.from) p = ph;
    for (const ph of phases) if (ph.from <= s.at + s.ms && s.at < ph.back) p = ph;
    const deps = dependencies.get(s.name)!;
    const full = s.status === 200 && s.errors.length === 0 && JSON.stringify(s.data) === JSON.stringify(baseline.get(s.name));
    if (p.mode !== "-" && s.at >= p.back && p.recovered === undefined && full && unitsTouched(deps).has(p.unit)) p.recovered = s.at + s.ms - p.back;
    if (s.at >= p.back) return; // after the unit came back: counted towards its recovery only
    p.requests += 1;
    p.latencies.push(s.ms);
    const missing = missingUnaffected(baseline.get(s.name), s.data, deps, p.unit);
    if (s.status !== 200 || s.data === null || s.data === undefined) p.losses += 1;
    else if (missing.length === 0) p.complete += 1;
    if (missing.length > 0 && p.faults.length < 3) p.faults.push(`"${s.name}" lacked ${missing.slice(0, 3).join(", ")} (errors: ${s.errors.map((e) => `${e.code}/${e.unit ?? "-"} ${e.message}`).join("; ")})`);
    for (const e of s.errors) p.codes.set(`${e.code}/${e.unit ?? "-"}`, (p.codes.get(`${e.code}/${e.unit ?? "-"}`) ?? 0) + 1);
  };

  // Warm every process's code paths first; that is not what this measures.
  const warmUp = startCallers(stack.gatewayUrl, callers, () => undefined);
  await sleep(3000);
  await warmUp.stop();
  current.from = Date.now();
  const load = startCallers(stack.gatewayUrl, callers, onSample);
  await sleep(seconds * 1000);
  current.back = Date.now();
  for (const unit of units) {
    for (const mode of ["stopped", "hung"] as const) {
      const proc = stack.procs.get(unit)!;
      current = phase(unit, mode);
      if (mode === "stopped") {
        proc.child.kill("SIGKILL");
        await proc.exited;
        await sleep(seconds * 1000);
        await stack.restart(unit);
      } else {
        proc.child.kill("SIGSTOP");
        await sleep(seconds * 1000);
        proc.child.kill("SIGCONT");
      }
      current.back = Date.now();
      const giveUp = Date.now() + 30_000;
      while (current.recovered === undefined && Date.now() < giveUp) await sleep(50);
      // Steady again before the next unit is hurt.
      await sleep(1000);
    }
  }
  await load.stop();
  const alive = stack.procs.get("gateway")!.child.exitCode === null;
  await stack.stop();

  process.stdout.write(render(seconds, callerCount, alive, phases));
  const bad = phases.some((p) => p.losses > 0 || p.complete < p.requests || (p.mode !== "-" && p.recovered === undefined));
  return alive && !bad ? 0 : 1;
}

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function render(seconds: number, callers: number, alive: boolean, phases: Phase[]): string {
  const head = ["unit", "mode", "requests", "unaffected fields all there", "whole-response losses", "errors by code/unit", "p50 ms", "p99 ms", "recovery s"];
  const rows = phases.map((p) => {
    const sorted = [...p.latencies].sort((a, b) => a - b);
    const codes = [...p.codes].map(([k, n]) => `${k} ${n}`).join(", ") || "-";
    const recovery = p.mode === "-" ? "-" : p.recovered === undefined ? "NEVER" : (p.recovered / 1000).toFixed(2);
    return [p.unit, p.mode, p.requests, p.complete, p.losses, codes, percentile(sorted, 0.5), percentile(sorted, 0.99), recovery].map(String);
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 || i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  return [
    "",
    `chaos: ${callers} callers (a token each) running the ${EXAMPLES.length} GraphiQL worked examples; each unit killed, then hung (SIGSTOP), for ${seconds} s; loopback`,
    `gateway still up at the end: ${alive ? "yes" : "NO"}`,
    '(a request counts in the last phase it was in flight during; "unaffected fields all there" = every field not depending on the unit as with every unit up;',
    " recovery = from the unit being back (restarted and healthy, or continued) to the first full answer of an example that needs it)",
    "",
    line(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map(line),
    "",
    ...phases.flatMap((p) => p.faults.map((f) => `  ${p.unit} ${p.mode}: ${f}`)),
    "",
  ].join("\n");
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`chaos failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
