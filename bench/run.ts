import "reflect-metadata";
import { execSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { answerHelp, progress } from "../scripts/cli";
import { ROOT } from "../scripts/manifest";
import { CALLERS, CASES, type Case, LIST_CONNECTIONS, ONE_CALLER_CASES, listCase } from "./cases";
import { CEILING, type Ceiling, recordCeiling } from "./ceiling";
import { type Measurement, answer, measure } from "./measure";
import { contendersInstalled, installContenders } from "./contenders";
import { type BenchStack, GATEWAYS, type GatewayKey, type GatewayUnderTest, contendersAmong, processStats, startBench } from "./processes";

/**
 * `npm run bench [-- --quick] [--silos servers] [--only=ours,apollo,ceiling] [--cases=a,c] [--profile=ours] [--seconds=N] [--connections=N] [--gateway-node-args=…] [--gateway-env=…] [--no-write]`
 * Every gateway side by side over the same units, supergraph and data:
 * responses checked equal first, then rounds alternated gateway by gateway,
 * with the ceiling (the units queried directly, bench/ceiling.ts) as one more.
 * Writes bench/results/<date>-<sha>.md (not with --only or --no-write).
 * Exits non-zero on any error or mismatch.
 */
const USAGE = `usage: npm run bench [-- options]
Every gateway side by side over the same units, supergraph and data; writes
bench/results/<date>-<sha>.md (not with --only, --cases or --no-write).
  --quick                  a few seconds per case, indicative only
  --only=<keys>            a subset of ${[...GATEWAYS.map((g) => g.key), CEILING.key].join(", ")}
  --cases=<keys>           a subset of the cases (a, b, c, d)
  --silos servers          units on PostgreSQL and MariaDB instead of SQLite files
  --seconds=N              seconds per timed round (default 8; 2 with --quick)
  --rounds=N               timed rounds per gateway and case (default 2)
  --connections=N          concurrent connections (default 50)
  --profile=<keys>         V8 CPU profiles of these gateways (or "units") in bench/profiles/
  --gateway-node-args=<flags>  node flags for our gateway instead of the production ones,
                           comma-separated (e.g. --max-semi-space-size=16,--single-threaded-gc);
                           nothing is written
  --gateway-env=<settings> our gateway's environment instead of the production one
                           (GATEWAY_ENV), comma-separated NAME=value (e.g. MALLOC_ARENA_MAX=1;
                           empty: none); nothing is written
  --no-write               print only
Hive Gateway comes from bench/contenders (npm run bench:setup; installed here when missing).`;
interface Args {
  quick: boolean;
  kind: "sqlite" | "servers";
  only?: (GatewayKey | typeof CEILING.key)[];
  cases?: string[];
  profile?: (GatewayKey | "units")[];
  gatewayNodeArgs?: string[];
  gatewayEnv?: Record<string, string>;
  seconds: number;
  warmSeconds: number;
  rounds: number;
  connections: number;
  write: boolean;
}

export function parseArgs(argv: string[]): Args {
  // Everything after the option's own "=": a value may hold one too (node flags do).
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = argv.includes("--quick");
  const nodeArgs = value("gateway-node-args");
  const env = value("gateway-env");
  const silos = value("silos") ?? (argv.includes("--silos") ? argv[argv.indexOf("--silos") + 1] : "sqlite");
  return {
    quick,
    kind: silos === "servers" ? "servers" : "sqlite",
    only: value("only")?.split(",") as Args["only"],
    cases: value("cases")?.split(","),
    profile: value("profile")?.split(",") as (GatewayKey | "units")[] | undefined,
    gatewayNodeArgs: nodeArgs?.split(",").filter(Boolean),
    gatewayEnv: env === undefined ? undefined : Object.fromEntries(env.split(",").filter(Boolean).map(environmentEntry)),
    seconds: Number(value("seconds") ?? (quick ? 2 : 8)),
    warmSeconds: quick ? 1 : 3,
    rounds: Number(value("rounds") ?? 2),
    connections: Number(value("connections") ?? 50),
    write: !argv.includes("--no-write") && !value("only") && !value("cases") && nodeArgs === undefined && env === undefined,
  };
}

/** `NAME=value` of --gateway-env; the value may hold "=" itself. */
function environmentEntry(setting: string): [string, string] {
  const at = setting.indexOf("=");
  if (at <= 0) throw new Error(`--gateway-env takes NAME=value settings, comma-separated, not "${setting}"`);
  return [setting.slice(0, at), setting.slice(at + 1)];
}

/** The same answer from every gateway for the same variables, before anything is timed. */
export async function checkEqual(stack: BenchStack, cases: Case[]): Promise<string[]> {
  const problems: string[] = [];
  for (const c of cases) {
    for (const n of [0, 1, 2, 9, 19]) {
      const body = c.body(n);
      let reference: { key: string; data: unknown } | undefined;
      for (const g of stack.gateways) {
        const got = await answer(g.url, body, stack.authorization, stack.callers);
        if (got.status !== 200 || got.errors) {
          problems.push(`${g.key} ${c.key} #${n}: HTTP ${got.status} ${JSON.stringify(got.errors)?.slice(0, 300)}`);
          continue;
        }
        if (!reference) reference = { key: g.key, data: got.data };
        else if (!isDeepStrictEqual(reference.data, got.data)) problems.push(`${g.key} ${c.key} #${n}: data differs from ${reference.key}'s`);
      }
    }
  }
  return problems;
}

/**
 * Warm-up windows until the contender has answered `WARM_REQUESTS` requests
 * (at most `WARM_WINDOWS` windows): on a slow case one short window is a few
 * dozen requests, and the first timed round then still paid for a cold JIT
 * and a heap not yet grown (stock Apollo's first (c) round once took twice
 * the CPU per request of its second).
 */
async function warmUp(contender: Pick<Contender, "measure">, c: Case, seconds: number): Promise<void> {
  let answered = 0;
  for (let window = 0; window < WARM_WINDOWS && answered < WARM_REQUESTS; window += 1) answered += (await contender.measure(c, seconds)).requests;
}
const WARM_REQUESTS = 200;
const WARM_WINDOWS = 4;

/** Proves Hive's Rust planner is the one in use: only router-runtime puts its plan in extensions.queryPlan. */
async function checkRustPlanner(g: GatewayUnderTest, authorization: string): Promise<string> {
  const res = await fetch(g.url, { method: "POST", headers: { "content-type": "application/json", authorization, "x-bench-query-plan": "1" }, body: JSON.stringify({ query: '{ __typename customer(id: "C000001") { name stayCount } }' }) });
  const plan = ((await res.json()) as { extensions?: { queryPlan?: { kind?: string; node?: { kind?: string } } } }).extensions?.queryPlan;
  if (!plan) throw new Error("Hive Gateway with --rust did not expose a Rust query plan: router-runtime is not active");
  return `${plan.kind}/${plan.node?.kind}`;
}

/** A row of the tables: a gateway under test, or the ceiling. */
interface Contender {
  key: string;
  label: string;
  measure(c: Case, seconds: number): Promise<Measurement>;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : "–");

/** The gateways whose answers and errors decide the run: ours and the stock Apollo every ratio is taken against. */
const OWN_KEYS = ["ours", "apollo"];

async function main(): Promise<number> {
  answerHelp(USAGE);
  const args = parseArgs(process.argv.slice(2));
  if (contendersAmong(args.only).length > 0 && !contendersInstalled()) installContenders();
  const stack = await startBench({ kind: args.kind, only: args.only?.filter((k): k is GatewayKey => k !== CEILING.key), profile: args.profile, gatewayNodeArgs: args.gatewayNodeArgs, gatewayEnv: args.gatewayEnv });
  let ceiling: Ceiling | undefined;
  try {
    const rust = stack.gateways.find((g) => g.key === "hive-rust");
    const rustPlan = rust ? await checkRustPlanner(rust, stack.authorization) : undefined;
    const idle = new Map(stack.gateways.map((g) => [g.key, processStats(g.pid).rssMb]));
    const all = [...CASES, ...ONE_CALLER_CASES];
    const cases = args.cases ? all.filter((c) => args.cases!.includes(c.key)) : all;
    const mismatches = await checkEqual(stack, cases);
    // Ours and stock Apollo must agree before anything is timed; a comparison gateway that answers
    // wrongly is still timed, and the table says so beside its figures.
    const fatal = mismatches.filter((m) => OWN_KEYS.includes(m.split(" ")[0]));
    if (fatal.length > 0) {
      console.error(`responses differ or fail before timing:\n${fatal.join("\n")}`);
      return 1;
    }
    const wrong = new Map<string, string[]>();
    for (const m of mismatches) wrong.set(m.split(" ")[0], [...(wrong.get(m.split(" ")[0]) ?? []), m]);
    if (wrong.size > 0) console.error(`comparison gateways answering wrongly (timed all the same, marked in the table):\n${mismatches.join("\n")}`);
    progress(
      `responses equal across ${stack.gateways
        .filter((g) => !wrong.has(g.key))
        .map((g) => g.key)
        .join(", ")}${rustPlan ? `; Rust planner active (plan ${rustPlan})` : ""}`,
    );

    const target = (g: GatewayUnderTest) => ({ url: g.url, pid: g.pid, authorization: stack.authorization, callers: stack.callers, takeFetches: stack.takeFetches, messagesTaken: stack.messagesTaken, unitsCpuMs: stack.unitsCpuMs });
    const contenders: Contender[] = stack.gateways.map((g) => ({ key: g.key, label: g.label, measure: (c, seconds) => measure(target(g), c, { seconds, connections: args.connections }) }));
    if (!args.only || args.only.includes(CEILING.key)) {
      const recording = await recordCeiling(stack, cases);
      ceiling = recording;
      contenders.push({ ...CEILING, measure: (c, seconds) => recording.measure(c, { seconds, connections: args.connections }) });
      progress(`ceiling recorded through stock Apollo: ${[...recording.recorded].map(([key, rs]) => `${key} ${rs.length} requests, ${f(mean(rs.map((r) => r.length)), 2)} fetches each`).join("; ")}`);
    }
    // The ceiling has rows only for the cases it could record (reads only).
    const runs = (c: Case) => contenders.filter((x) => x.key !== CEILING.key || ceiling?.recorded.has(c.key));

    const results = new Map<string, Measurement[]>();
    const record = (g: Pick<Contender, "key">, c: Case, m: Measurement) => {
      const key = `${g.key}|${c.key}`;
      results.set(key, [...(results.get(key) ?? []), m]);
      progress(
        `${c.key.padEnd(4)} ${g.key.padEnd(13)} ${f(m.rps).padStart(6)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  cpu ${f(m.cpuMsPerRequest, 2)} ms/req (${Number.isFinite(m.offMainShare) ? `${f(100 * m.offMainShare)}%` : "?"} off the main thread)  units cpu ${f(m.unitsCpuMsPerRequest, 1)} ms/req  fetches ${f(m.fetchesPerRequest, 2)}/req${m.messagesPerRequest !== undefined && Number.isFinite(m.messagesPerRequest) ? ` in ${f(m.messagesPerRequest, 2)} messages` : ""}  errors ${m.errors}${m.firstError ? ` (${m.firstError})` : ""}`,
      );
    };
    const lists = args.cases && !args.cases.includes("lists") ? [] : [1, 10, 50, 100].map(listCase);
    for (const c of cases) {
      for (const x of runs(c)) await warmUp(x, c, args.warmSeconds);
      for (let round = 0; round < args.rounds; round += 1) {
        for (const x of runs(c)) record(x, c, await x.measure(c, args.seconds));
      }
    }
    for (const c of lists) {
      for (const g of stack.gateways.filter((x) => x.key === "ours" || x.key === "apollo")) {
        await measure(target(g), c, { seconds: 1, connections: LIST_CONNECTIONS });
        record(g, c, await measure(target(g), c, { seconds: args.seconds, connections: LIST_CONNECTIONS }));
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
    const after = new Map(stack.gateways.map((g) => [g.key, processStats(g.pid).rssMb]));

    const errors = [...results]
      .filter(([k]) => OWN_KEYS.includes(k.split("|")[0]))
      .flatMap(([, ms]) => ms)
      .reduce((a, m) => a + m.errors, 0);
    const report = renderReport(args, stack, contenders, results, idle, after, rustPlan, [...cases, ...lists], ceiling, wrong);
    console.log(`\n${report}`);
    if (args.write) {
      const sha = execSync("git rev-parse --short HEAD", { cwd: ROOT }).toString().trim();
      const dir = join(ROOT, "bench", "results");
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${new Date().toISOString().slice(0, 10)}-${sha}.md`);
      writeFileSync(file, report);
      progress(`written to bench/results/${file.split("/").pop()}`);
    }
    if (errors > 0) console.error(`${errors} failed requests: the run fails`);
    return errors > 0 ? 1 : 0;
  } finally {
    await ceiling?.close();
    await stack.stop();
  }
}

function renderReport(
  args: Args,
  stack: BenchStack,
  contenders: Contender[],
  results: Map<string, Measurement[]>,
  idle: Map<string, number>,
  after: Map<string, number>,
  rustPlan: string | undefined,
  cases: Case[],
  ceiling: Ceiling | undefined,
  wrong: Map<string, string[]>,
): string {
  const sha = execSync("git rev-parse --short HEAD", { cwd: ROOT }).toString().trim();
  const lines = [
    `# Gateway bench ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${sha}`,
    "",
    `Machine: ${cpus()[0]?.model ?? "?"} × ${cpus().length} cores, ${f(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}. ` +
      `Silos: ${args.kind === "servers" ? "PostgreSQL and MariaDB" : "SQLite files (embedded demo data)"}. Load: autocannon, ${args.connections} connections, ` +
      `${args.rounds} rounds of ${args.seconds} s per gateway and case, alternated (A B C D E A B C D E), after a warm-up each (${args.warmSeconds} s windows until ${WARM_REQUESTS} requests were answered, at most ${WARM_WINDOWS} windows); ` +
      `the load generator, the gateways and the units share the machine.${args.quick ? " **Quick mode: indicative only.**" : ""}`,
    "",
    `Responses were checked equal across gateways (data, no errors, HTTP 200) for 5 variable sets per case before timing. ${rustPlan ? `Hive's Rust planner was verified active (extensions.queryPlan from router-runtime: ${rustPlan}).` : ""}`,
    ...[...wrong].map(([key, ms]) => `\n**${key} answered wrongly** in ${ms.length} of the checks and was timed all the same (its errors column counts what failed under load): ${ms.slice(0, 3).join("; ")}${ms.length > 3 ? "; …" : ""}.`),
    "",
    "Per cell: mean over rounds. ×Apollo = requests/s relative to stock @apollo/gateway (CPU: ms per request relative). Fetches = subgraph requests per client request, counted at the units. Units CPU = CPU time of every unit process of the manifest (from /proc) per client request: what a gateway's way of fetching costs the units.",
  ];
  if (ceiling) {
    lines.push(
      "",
      `The ceiling row (units queried directly) shows how close to the limit the gateways get. Stock @apollo/gateway, inside the bench process, recorded the subgraph requests it sent for each case's first distinct request bodies ` +
        `(${[...ceiling.recorded].map(([key, rs]) => `${key}: ${rs.length}`).join(", ")}) and which of their answers it had in hand when it sent each; the load replays them straight to the units ` +
        `(${args.connections} virtual clients over keep-alive pools, its own loop instead of autocannon, in the same alternation), each fetch sent once those same answers are in, so planning, merging and the gateway hop cost nothing. ` +
        "A client request counts once its last fetch is answered; a non-200 or an answer with errors fails it. Its fetches are stock Apollo's plan: a gateway that fetches less (dedup, another planner) can beat it. " +
        "No CPU or RSS: there is no gateway process. Cases with writes, (d), have no ceiling row: a write is not replayed, and the reads are (a)'s.",
    );
  }
  let heading = "";
  for (const c of cases) {
    const rows = contenders.filter((g) => results.has(`${g.key}|${c.key}`));
    if (rows.length === 0) continue;
    const section = CASES.includes(c)
      ? `# ${CALLERS} distinct callers, a token each (the default: what a gateway meets in production)`
      : ONE_CALLER_CASES.includes(c)
        ? "# One caller: every request with one agent's token (a gateway may merge fetches across requests)"
        : "# List sizes";
    if (section !== heading) lines.push("", (heading = section));
    const apollo = results.get(`apollo|${c.key}`);
    lines.push("", `## ${c.label}`, "", "| gateway | req/s | ×Apollo | p50 ms | p99 ms | errors | CPU ms/req | CPU ×Apollo | RSS peak MB | fetches/req | units CPU ms/req |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const g of rows) {
      const ms = results.get(`${g.key}|${c.key}`)!;
      const rps = mean(ms.map((m) => m.rps));
      const cpu = mean(ms.map((m) => m.cpuMsPerRequest));
      const ratio = apollo ? rps / mean(apollo.map((m) => m.rps)) : NaN;
      const cpuRatio = apollo ? cpu / mean(apollo.map((m) => m.cpuMsPerRequest)) : NaN;
      lines.push(
        `| ${g.label}${wrong.has(g.key) ? " (answers wrongly, above)" : ""} | ${f(rps)} | ${f(ratio, 2)} | ${f(mean(ms.map((m) => m.p50)), 1)} | ${f(mean(ms.map((m) => m.p99)), 1)} | ${ms.reduce((a, m) => a + m.errors, 0)} | ${f(cpu, 2)} | ${f(cpuRatio, 2)} | ${f(Math.max(...ms.map((m) => m.rssPeakMb)))} | ${f(mean(ms.map((m) => m.fetchesPerRequest)), 2)} | ${f(mean(ms.map((m) => m.unitsCpuMsPerRequest)), 1)} |`,
      );
    }
  }
  lines.push("", "## Gateway memory (RSS, MB)", "", "| gateway | idle (before load) | peak (any case) | after (1 s after the last load) |", "|---|---:|---:|---:|");
  for (const g of stack.gateways) {
    const peak = Math.max(...[...results].filter(([k]) => k.startsWith(`${g.key}|`)).flatMap(([, ms]) => ms.map((m) => m.rssPeakMb)));
    lines.push(`| ${g.label} | ${f(idle.get(g.key)!)} | ${f(peak)} | ${f(after.get(g.key)!)} |`);
  }
  lines.push(
    "",
    "How the gateways ran: ours with NODE_ENV=production, fresh secrets, signing every subgraph request and verifying the client's JWT, introspection and GraphiQL off, its rate limiter on with a budget out of reach (the crowd: 50 bench agents, a token each; the one-caller table: one bench agent). " +
      "The units run as production runs them (the Dockerfile and deploy/): NODE_ENV=production, so graphql-js and Apollo Server run in their production modes, with the same node flags; their config is read as in development only so that the bench's switches below take effect (bench/unit.ts). " +
      "Stock gateways cannot sign: the units run with `<UNIT>_REQUIRE_SIGNATURE=false` and `<UNIT>_UNSIGNED_AS=agent:bench` (bench-only, loopback; production refuses both), and still verify our gateway's signatures. " +
      "Stock Apollo and Hive forward `x-channel` and `authorization` to the subgraphs and otherwise run on defaults. Writes are checked by the units through a separate reference gateway, the same for every gateway under test.",
    "",
  );
  return lines.join("\n");
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
