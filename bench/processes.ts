import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadGatewayConfig } from "../gateway/config";
import { mintToken } from "../gateway/admission/token";
import { CALLERS } from "./cases";
import { GATEWAY_ENV, GATEWAY_NODE_ARGS, ROOT, UNIT_NODE_ARGS, readManifest } from "../scripts/manifest";
import { type ProcessSpec, type Supervised, launch, stopAll, waitHealthy } from "../scripts/supervisor";
import { freePort } from "../test/support/stack";
import { type SiloKind, provisionSilos } from "../test/support/silos";

/**
 * The processes of one bench run: the units once (signatures optional,
 * unsigned requests read as one fixed agent, fetch counters on; all
 * bench-only settings that production refuses), a reference gateway the
 * units read the graph through to check writes, and each gateway under test
 * on its own port over the same supergraph.
 */
export interface GatewayUnderTest {
  key: string;
  label: string;
  url: string;
  pid: number;
}

export interface BenchStack {
  gateways: GatewayUnderTest[];
  unitUrls: Map<string, string>;
  /** The bearer token every client request carries (an agent). */
  authorization: string;
  /** Bearer tokens of many distinct agents, for the many-callers case. */
  callers: string[];
  supergraphPath: string;
  /** Subgraph fetches since the last call, summed over the units. */
  takeFetches(): Promise<number>;
  /** The HTTP messages those fetches came in (the gateway's batches carry several), at the last takeFetches. */
  messagesTaken(): number;
  /** CPU time (ms) the unit processes have used so far, summed. */
  unitsCpuMs(): number;
  logs: Map<string, string[]>;
  stop(): Promise<void>;
}

/** The gateways under test; `contender`: installed apart, in bench/contenders (bench/contenders.ts). */
export const GATEWAYS = [
  { key: "ours", label: "Customer Graph (production config)", contender: false },
  { key: "apollo", label: "stock @apollo/gateway", contender: false },
  { key: "hive", label: "Hive Gateway (default)", contender: true },
  { key: "hive-nodedup", label: "Hive Gateway, dedup off", contender: true },
  { key: "hive-rust", label: "Hive Gateway, Rust planner", contender: true },
] as const;
export type GatewayKey = (typeof GATEWAYS)[number]["key"];

/** Of `only` (every gateway when absent), those that need bench/contenders installed. */
export function contendersAmong(only?: readonly string[]): GatewayKey[] {
  return GATEWAYS.filter((g) => g.contender && (!only || only.includes(g.key))).map((g) => g.key);
}

/** The agent identity stock gateways' unsigned requests are read as, and the subject our gateway's token carries. */
const BENCH_AGENT = "bench";
/** Each unit's process under the bench (bench/unit.ts): production's, with the bench's switches. */
const BENCH_UNIT_ENTRY = "dist/bench/unit.js";

export async function startBench(options: {
  kind: SiloKind;
  only?: readonly GatewayKey[];
  profile?: readonly (GatewayKey | "units")[];
  /** Node flags for our gateway instead of the production ones (GATEWAY_NODE_ARGS), to weigh V8 settings. */
  gatewayNodeArgs?: readonly string[];
  /** Our gateway's environment beyond its configuration instead of the production one (GATEWAY_ENV), to weigh e.g. malloc settings. */
  gatewayEnv?: Readonly<Record<string, string>>;
}): Promise<BenchStack> {
  const manifest = readManifest();
  const silos = await provisionSilos(options.kind, manifest);
  const logs = new Map<string, string[]>();
  const log = (name: string, line: string) => logs.set(name, [...(logs.get(name) ?? []).slice(-200), line]);
  const procs: Supervised[] = [];
  // --profile=<gateway>,units: V8 CPU profiles written when the process exits (Chrome DevTools or speedscope read them).
  const profileArgs = (who: string, name: string) => (options.profile?.includes(who as GatewayKey) ? ["--cpu-prof", `--cpu-prof-dir=${join(ROOT, "bench", "profiles", name)}`] : []);
  const run = async (spec: ProcessSpec, ready: () => Promise<boolean> = async () => true) => {
    const proc = launch(spec, log);
    procs.push(proc);
    // Stock Apollo Server has no health route: the GraphQL answer is its readiness.
    if (spec.healthUrl) await waitHealthy(spec, proc);
    const deadline = Date.now() + 60_000;
    while (!(await ready())) {
      if (Date.now() > deadline || proc.child.exitCode !== null) throw new Error(`${spec.name} never answered GraphQL`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return proc;
  };
  // Fresh secrets per run: our gateway runs NODE_ENV=production and refuses the development ones.
  const secrets = { GRAPH_SIGNING_SECRET: randomBytes(32).toString("hex"), GATEWAY_JWT_SECRET: randomBytes(32).toString("hex") };
  try {
    const referencePort = await freePort();
    const referenceUrl = `http://127.0.0.1:${referencePort}/graphql`;
    const unitUrls = new Map<string, string>();
    const unitPids: number[] = [];
    await Promise.all(
      manifest.map(async ({ name }) => {
        const port = await freePort();
        const key = name.toUpperCase();
        unitUrls.set(name, `http://127.0.0.1:${port}/graphql`);
        const env = {
          ...secrets,
          // As the Dockerfile and deploy/ run units; bench/unit.ts lets the bench's own switches below through.
          NODE_ENV: "production",
          GATEWAY_LOG_LEVEL: "warn",
          [`${key}_PORT`]: String(port),
          [`${key}_DB_URL`]: silos.urls.get(name)!,
          [`${key}_GRAPH_URL`]: referenceUrl,
          [`${key}_REQUIRE_SIGNATURE`]: "false",
          [`${key}_UNSIGNED_AS`]: `agent:${BENCH_AGENT}`,
          [`${key}_BENCH_COUNTERS`]: "true",
          [`${key}_DB_POOL_MAX`]: "10",
        };
        const unit = await run({ name, script: join(ROOT, BENCH_UNIT_ENTRY), args: [name], env, healthUrl: `http://127.0.0.1:${port}/health`, nodeArgs: [...UNIT_NODE_ARGS, ...profileArgs("units", name)] });
        unitPids.push(unit.child.pid!);
      }),
    );
    // One supergraph file for every gateway: the committed one, with the units' bench addresses.
    const dir = await mkdtemp(join(tmpdir(), "cg-bench-"));
    const supergraphPath = join(dir, "supergraph.graphql");
    let sdl = readFileSync(join(ROOT, "schema", "supergraph.graphql"), "utf8");
    for (const { name, port } of manifest) sdl = sdl.replaceAll(`http://127.0.0.1:${port}/graphql`, unitUrls.get(name)!);
    writeFileSync(supergraphPath, sdl);

    const tokenConfig = loadGatewayConfig({ ...secrets, NODE_ENV: "production" });
    const authorization = `Bearer ${await mintToken(tokenConfig, { role: "agent", sub: BENCH_AGENT, ttlSeconds: 24 * 3600 })}`;
    const callers = await Promise.all(Array.from({ length: CALLERS }, async (_, i) => `Bearer ${await mintToken(tokenConfig, { role: "agent", sub: `${BENCH_AGENT}-${i + 1}`, ttlSeconds: 24 * 3600 })}`));
    const graphqlAnswers = (url: string) => async () => {
      try {
        const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization }, body: JSON.stringify({ query: "{ __typename }" }) });
        return res.ok;
      } catch {
        return false;
      }
    };
    const ourEnv = (port: number, production: boolean) => ({
      ...secrets,
      NODE_ENV: production ? "production" : "development",
      GATEWAY_PORT: String(port),
      SUPERGRAPH_PATH: supergraphPath,
      SUPERGRAPH_WATCH: "false",
      GATEWAY_LOG_LEVEL: "warn",
      // Every client request is the one bench agent: a limit per caller would throttle the bench,
      // not protect anything. The limiter still runs (it costs what it costs); its budget is out of reach.
      GATEWAY_RATE_LIMIT_PER_MINUTE: "1000000000",
      GATEWAY_RATE_LIMIT_BURST: "1000000",
      // The bench drives every gateway to saturation, where queueing alone makes a request of (c)
      // take seconds (50 connections / ~10 requests a second); stock gateways have no timeouts.
      // Production timeouts would turn that queueing into errors, which measures nothing.
      GATEWAY_SUBGRAPH_TIMEOUT_MS: "60000",
      GATEWAY_REQUEST_DEADLINE_MS: "120000",
    });
    await run({ name: "reference", script: join(ROOT, "dist", "gateway", "main.js"), env: ourEnv(referencePort, false), healthUrl: `http://127.0.0.1:${referencePort}/health` }, graphqlAnswers(referenceUrl));

    const gateways: GatewayUnderTest[] = [];
    for (const { key, label } of GATEWAYS) {
      if (options.only && !options.only.includes(key)) continue;
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/graphql`;
      const hive = join(ROOT, "dist", "bench", "hive.js");
      const spec: ProcessSpec =
        key === "ours"
          ? { name: key, script: join(ROOT, "dist", "gateway", "main.js"), env: ourEnv(port, true), healthUrl: `http://127.0.0.1:${port}/health` }
          : key === "apollo"
            ? { name: key, script: join(ROOT, "dist", "bench", "apollo-stock.js"), env: {}, healthUrl: "" }
            : { name: key, script: hive, env: {}, healthUrl: `http://127.0.0.1:${port}/healthcheck` };
      const args = key === "ours" ? [] : [supergraphPath, String(port), ...(key === "hive-nodedup" ? ["--dedup=off"] : key === "hive-rust" ? ["--rust"] : [])];
      // --profile: V8 CPU profiles written when the gateway exits (open them in Chrome DevTools or speedscope).
      const proc = await run(
        { ...spec, nodeArgs: [...(key === "ours" ? (options.gatewayNodeArgs ?? GATEWAY_NODE_ARGS) : []), ...profileArgs(key, key)], env: { ...(key === "ours" ? (options.gatewayEnv ?? GATEWAY_ENV) : {}), ...spec.env, BENCH_ARGS: args.join(" ") } },
        graphqlAnswers(url),
      );
      gateways.push({ key, label, url, pid: proc.child.pid! });
    }

    let messages = 0;
    const takeFetches = async () => {
      let sum = 0;
      messages = 0;
      for (const url of unitUrls.values()) {
        const res = await fetch(url.replace(/\/graphql$/, "/bench/fetches"), { method: "POST" });
        const counted = (await res.json()) as { fetches: number; messages?: number };
        sum += counted.fetches;
        messages += counted.messages ?? counted.fetches;
      }
      return sum;
    };
    return {
      gateways,
      unitUrls,
      authorization,
      callers,
      supergraphPath,
      takeFetches,
      messagesTaken: () => messages,
      unitsCpuMs: () => unitPids.reduce((sum, pid) => sum + processStats(pid).cpuMs, 0),
      logs,
      async stop() {
        await stopAll(procs);
        await silos.cleanup();
      },
    };
  } catch (err) {
    await stopAll(procs);
    await silos.cleanup();
    const tail = [...logs].map(([name, lines]) => `--- ${name}\n${lines.slice(-20).join("\n")}`).join("\n");
    throw new Error(`${(err as Error).message}\n${tail}`);
  }
}

/** CPU time (user + system, ms) and resident memory (MB) of a process, from /proc. */
export function processStats(pid: number): { cpuMs: number; rssMb: number } {
  const fields = statFields(`/proc/${pid}/stat`);
  return { cpuMs: cpuMsOf(fields), rssMb: (Number(fields[21]) * 4096) / 1024 / 1024 };
}

/**
 * The CPU time (ms) of a process's main thread alone: the rest of a Node
 * process's CPU is V8's helper threads, collecting garbage in parallel, and
 * libuv's. NaN on a kernel without per-thread stats.
 */
export function mainThreadCpuMs(pid: number): number {
  try {
    return cpuMsOf(statFields(`/proc/${pid}/task/${pid}/stat`));
  } catch {
    return NaN;
  }
}

/** The fields of a /proc stat line after the command name, which is in parentheses and may contain spaces. */
function statFields(path: string): string[] {
  const stat = readFileSync(path, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

function cpuMsOf(fields: readonly string[]): number {
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;
