import "reflect-metadata";
import { readFileSync, readdirSync } from "node:fs";
import { EXAMPLES } from "../demo/examples";
import { loadGatewayConfig } from "../gateway/config";
import { mintToken } from "../gateway/admission/token";
import { type Caller, type CallerSample, startCallers } from "../test/support/load";
import { startStack } from "../test/support/stack";
import { answerHelp, progress, usageError } from "../scripts/cli";

/**
 * `npm run soak [-- --minutes=1 --callers=8 --every=5]`: the graph as real
 * processes under a mixed load of many callers for a while: the GraphiQL
 * worked examples (reads) and writes of every kind (a stay preference,
 * marketing consent, a redemption of a reusable offer with a fresh
 * idempotency key). Prints each process's resident memory, V8 old space and
 * open handles over time, and the requests and errors so far. Fails on any
 * error, or when memory or handles keep growing after the warm-up.
 */
const option = (name: string, fallback: number, min: number, max: number): number => {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
  return value;
};
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Usage {
  rssMb: number;
  handles: number;
  /** V8's old and large-object spaces in use (MB), from the process's /metrics: what a leak of retained objects grows. */
  oldMb: number;
  /** Full (mark-compact) collections so far: old space is only known small right after one. */
  majorGcs: number;
}

/**
 * Resident memory and open file descriptors of a process, from /proc
 * (Linux), and its old space and full collections from its /metrics. RSS
 * alone misleads: V8 grows the young generation (up to 64 MB semi-spaces in
 * the units) as the request rate rises, which is bounded, and lets old space
 * fill up to a multiple of its live size before collecting it; a leak shows
 * as old space still growing right after full collections.
 */
async function usage(pid: number | undefined, metricsUrl: string): Promise<Usage | null> {
  if (!pid) return null;
  try {
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    const metrics = await (await fetch(metricsUrl)).text();
    const gauge = (pattern: RegExp) => Number(pattern.exec(metrics)?.[1] ?? 0);
    const old = gauge(/^nodejs_heap_space_size_used_bytes\{space="old"\} (\d+)/m) + gauge(/^nodejs_heap_space_size_used_bytes\{space="large_object"\} (\d+)/m);
    const majorGcs = gauge(/^nodejs_gc_duration_seconds_count\{kind="major"\} (\d+)/m);
    return { rssMb: rssKb / 1024, handles: readdirSync(`/proc/${pid}/fd`).length, oldMb: old / 2 ** 20, majorGcs };
  } catch {
    return null;
  }
}

const WRITES = {
  preference: `mutation($c: ID!, $p: String!) { setStayPreference(customerId: $c, preference: $p) { id } }`,
  consent: `mutation($c: ID!, $sms: Boolean) { setMarketingConsent(customerId: $c, sms: $sms) { sms } }`,
  redeem: `mutation($c: ID!, $k: String) { redeemOffer(customerId: $c, code: "BOOKS5", idempotencyKey: $k) { redeemedAt } }`,
};

const USAGE = `usage: npm run soak [-- --minutes=M --callers=C --every=S]
The graph under a mixed read/write load from C callers (1 to 200, default 8) for M minutes (0.25 to
240, default 1), sampling every process's resident memory, old space and open handles every S
seconds (1 to 600, default 5); prints them over time. Exit 1 on any error, or on memory or handles
still growing after the warm-up.`;

async function main(): Promise<number> {
  answerHelp(USAGE);
  let minutes: number;
  let callerCount: number;
  let every: number;
  try {
    minutes = option("minutes", 1, 0.25, 240);
    callerCount = option("callers", 8, 1, 200);
    every = option("every", 5, 1, 600);
  } catch (err) {
    return usageError((err as Error).message, USAGE);
  }
  const run = Date.now().toString(36);
  const stack = await startStack({ env: { GATEWAY_LOG_LEVEL: "warn" } });
  const config = loadGatewayConfig({});

  // Each caller reads the worked examples and, one turn in four, writes for a customer of its own.
  const callers: Caller[] = await Promise.all(
    Array.from({ length: callerCount }, async (_, i) => {
      const authorization = `Bearer ${await mintToken(config, { role: "agent", sub: `soak-caller-${i}` })}`;
      const customer = `C${String(100 + i).padStart(6, "0")}`;
      let turn = 0;
      return {
        authorization,
        next() {
          turn += 1;
          if (turn % 4 !== 0) {
            const e = EXAMPLES[turn % EXAMPLES.length];
            return { name: e.title, body: { query: e.query, variables: e.variables }, headers: { "x-channel": e.channel } };
          }
          const write = (turn / 4) % 3;
          const headers = { "x-channel": "CALL_CENTER" };
          if (write === 0) return { name: "setStayPreference", body: { query: WRITES.preference, variables: { c: customer, p: `soak note ${turn % 20}` } }, headers };
          if (write === 1) return { name: "setMarketingConsent", body: { query: WRITES.consent, variables: { c: customer, sms: turn % 2 === 0 } }, headers };
          return { name: "redeemOffer", body: { query: WRITES.redeem, variables: { c: customer, k: `soak-${run}-${i}-${turn}` } }, headers };
        },
      };
    }),
  );

  let requests = 0;
  const errors = new Map<string, number>();
  const onSample = (s: CallerSample) => {
    requests += 1;
    const problems = s.status !== 200 ? [`HTTP ${s.status}`] : s.errors.map((e) => `${e.code}/${e.unit ?? "-"}`);
    for (const p of problems) errors.set(`${s.name}: ${p}`, (errors.get(`${s.name}: ${p}`) ?? 0) + 1);
  };

  const names = [...stack.procs.keys()];
  const metricsOf = (name: string) => (name === "gateway" ? stack.gatewayUrl : stack.unitUrls.get(name)!).replace(/\/graphql$/, "/metrics");
  const rows: Row[] = [];
  const started = Date.now();
  const load = startCallers(stack.gatewayUrl, callers, onSample);
  const errorCount = () => [...errors.values()].reduce((a, b) => a + b, 0);
  progress(`soak: ${minutes} min, ${callerCount} callers; a sample every ${every} s`);
  while (Date.now() - started < minutes * 60_000) {
    await sleep(every * 1000);
    const use = await Promise.all(names.map((n) => usage(stack.procs.get(n)?.child.pid, metricsOf(n))));
    const row = { t: (Date.now() - started) / 1000, requests, errors: errorCount(), use };
    rows.push(row);
    progress(`  ${row.t.toFixed(0)} s: ${requests} requests, ${row.errors} errors`);
  }
  await load.stop();
  await stack.stop();

  const verdicts = names.map((name, i) =>
    growth(
      name,
      rows.map((r) => ({ t: r.t, use: r.use[i] })),
      minutes * 60,
    ),
  );
  process.stdout.write(render(minutes, callerCount, names, rows, errors, verdicts));
  return errors.size === 0 && verdicts.every((v) => v.ok) ? 0 : 1;
}

interface Row {
  t: number;
  requests: number;
  errors: number;
  use: (Usage | null)[];
}

interface Verdict {
  name: string;
  ok: boolean;
  text: string;
}

/**
 * Whether a process's memory and handles stay flat after a warm-up (the
 * first quarter, at least 20 s). Old space is judged right after full
 * collections: the first such sample against the last (a leak raises that
 * floor; garbage between collections does not). Resident memory may grow by
 * what the young generation takes; handles barely at all.
 */
function growth(name: string, samples: { t: number; use: Usage | null }[], seconds: number): Verdict {
  const after = samples.filter((s) => s.t >= Math.max(20, seconds / 4) && s.use);
  const settled = after.map((s) => s.use!);
  if (settled.length < 4) return { name, ok: true, text: `${name}: too few samples after the warm-up to judge (run longer)` };
  const half = Math.floor(settled.length / 2);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const [first, second] = [settled.slice(0, half), settled.slice(half)];
  const rss = median(second.map((u) => u.rssMb)) - median(first.map((u) => u.rssMb));
  const handles = Math.max(...second.map((u) => u.handles)) - Math.max(...first.map((u) => u.handles));
  const floors = settled.filter((u, i) => i > 0 && u.majorGcs > settled[i - 1].majorGcs).map((u) => u.oldMb);
  const old = floors.length >= 2 ? floors[floors.length - 1] - floors[0] : null;
  const oldLimit = floors.length >= 2 ? Math.max(20, floors[0] * 0.25) : 0;
  const rssLimit = Math.max(150, median(first.map((u) => u.rssMb)) * 0.5);
  const ok = (old === null || old <= oldLimit) && rss <= rssLimit && handles <= 20;
  const signed = (x: number, digits = 1) => `${x >= 0 ? "+" : ""}${x.toFixed(digits)}`;
  const oldText =
    old === null
      ? `old space: ${floors.length} full collection${floors.length === 1 ? "" : "s"} after the warm-up, too few to judge (run longer)`
      : `old space after full collections ${floors.map((f) => f.toFixed(0)).join(" → ")} MB, ${signed(old)} (limit ${oldLimit.toFixed(0)})`;
  return {
    name,
    ok,
    text: `${name}: ${oldText}; RSS second half against first ${signed(rss)} MB (limit ${rssLimit.toFixed(0)}); handles ${signed(handles, 0)} (limit 20): ${ok ? "flat" : "GROWING"}`,
  };
}

function render(minutes: number, callers: number, names: string[], rows: Row[], errors: Map<string, number>, verdicts: Verdict[]): string {
  const head = ["t s", "requests", "req/s", "errors", ...names.map((n) => `${n} RSS / old MB, handles`)];
  const rate = (i: number) => (rows[i].requests - (rows[i - 1]?.requests ?? 0)) / (rows[i].t - (rows[i - 1]?.t ?? 0));
  const body = rows.map((r, i) => [r.t.toFixed(0), String(r.requests), rate(i).toFixed(0), String(r.errors), ...r.use.map((u) => (u ? `${u.rssMb.toFixed(0)} / ${u.oldMb.toFixed(0)}, ${u.handles}` : "n/a"))]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(" | ")} |`;
  const total = rows.at(-1);
  return [
    "",
    `soak: ${minutes} min, ${callers} callers (a token each); reads: the GraphiQL worked examples; writes (one turn in four): stay preference, marketing consent, redemption`,
    "",
    line(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...body.map(line),
    "",
    `${total?.requests ?? 0} requests, ${total ? (total.requests / total.t).toFixed(0) : 0} a second; errors: ${errors.size === 0 ? "none" : [...errors].map(([k, n]) => `${k} ×${n}`).join("; ")}`,
    ...verdicts.map((v) => v.text),
    "",
  ].join("\n");
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`soak failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
