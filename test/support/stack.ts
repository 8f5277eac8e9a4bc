import { createServer } from "node:net";
import { join } from "node:path";
import { ROOT, UNIT_ENTRY, readManifest } from "../../scripts/manifest";
import { type ProcessSpec, type Supervised, launch, stopAll, waitHealthy } from "../../scripts/supervisor";
import { loadGatewayConfig } from "../../gateway/config";
import { type GatewayInjections, createGateway } from "../../gateway/server";
import type { RunningServer } from "../../kit/http";
import type { Role } from "../../kit/identity";
import { mintToken } from "../../gateway/admission/token";
import { type SiloKind, type SiloSet, provisionSilos } from "./silos";

/**
 * The whole graph as real processes on free loopback ports, each unit over
 * its own fresh silo of the given kind (SQLite files, or each unit's
 * production server), the gateway on the committed supergraph. Uses the
 * compiled build (`npm test` builds first), like `npm start`.
 */
export interface Stack {
  gatewayUrl: string;
  unitUrls: Map<string, string>;
  /** Each unit's silo, straight to the database: open it with kit's createSilo to read or write it as its other clients do. */
  siloUrls: Map<string, string>;
  silos: SiloSet;
  procs: Map<string, Supervised>;
  specs: Map<string, ProcessSpec>;
  logs: Map<string, string[]>;
  /** A development token the stack's gateway accepts. */
  token(role: Role, sub?: string): Promise<string>;
  /** POST to the gateway; as an agent unless `headers` carries its own authorization (or `authorization: ""` for none). */
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ data?: any; errors?: any }>;
  restart(name: string): Promise<void>;
  /** Starts another gateway over the same units, with `env` over the stack gateway's; stopped with the stack. Returns its /graphql URL. */
  startGateway(name: string, env: Record<string, string>): Promise<string>;
  /**
   * The same, in this process, with `options` no operator sets (e.g. fetch sharing off, to compare):
   * they are not settings, so a gateway process cannot be given them. Returns its /graphql URL.
   */
  startGatewayHere(env: Record<string, string>, options: GatewayInjections): Promise<string>;
  /** Starts the units when the stack was started with `deferUnits` (the gateway first). */
  startUnits(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Where the units keep their data: SQLite files (the default) or each unit's production server. */
  kind?: SiloKind;
  /** Environment of every process. */
  env?: Record<string, string>;
  /** The gateway's environment on top of `env` and of the units' URLs (e.g. a URL through a proxy). */
  gatewayEnv?: Record<string, string>;
  /** Start only the gateway; the units come with `startUnits()`. */
  deferUnits?: boolean;
  /** A repository checkout other than this one (its manifest, build and supergraph), e.g. a scaffolded copy. */
  root?: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const root = options.root ?? ROOT;
  const silos = await provisionSilos(options.kind ?? "sqlite", readManifest(root));
  const logs = new Map<string, string[]>();
  const log = (name: string, line: string) => {
    const list = logs.get(name) ?? [];
    list.push(line);
    logs.set(name, list);
  };
  const procs = new Map<string, Supervised>();
  const specs = new Map<string, ProcessSpec>();
  const here: RunningServer[] = [];
  const unitUrls = new Map<string, string>();
  // Suites send bursts as one agent; the rate limit has its own test (protection.test.ts).
  const gatewayEnv: Record<string, string> = { GATEWAY_RATE_LIMIT_PER_MINUTE: "0", SUPERGRAPH_PATH: join(root, "schema", "supergraph.graphql"), ...options.env };

  const run = async (spec: ProcessSpec) => {
    specs.set(spec.name, spec);
    const proc = launch(spec, log);
    procs.set(spec.name, proc);
    await waitHealthy(spec, proc);
  };

  try {
    // Units that check writes read the graph through the gateway: they need its address up front.
    const gatewayPort = await freePort();
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
    const units: ProcessSpec[] = await Promise.all(
      readManifest(root).map(async ({ name }) => {
        const port = await freePort();
        const key = name.toUpperCase();
        unitUrls.set(name, `http://127.0.0.1:${port}/graphql`);
        gatewayEnv[`SUBGRAPH_${key}_URL`] = `http://127.0.0.1:${port}/graphql`;
        return { name, script: join(root, UNIT_ENTRY), args: [name], env: { ...options.env, [`${key}_PORT`]: String(port), [`${key}_DB_URL`]: silos.urls.get(name)!, [`${key}_GRAPH_URL`]: gatewayUrl }, healthUrl: `http://127.0.0.1:${port}/health` };
      }),
    );
    let unitsStarted = false;
    const startUnits = async () => {
      if (unitsStarted) return;
      unitsStarted = true;
      await Promise.all(units.map(run));
    };
    if (!options.deferUnits) await startUnits();
    await run({ name: "gateway", script: join(root, "dist", "gateway", "main.js"), env: { ...gatewayEnv, ...options.gatewayEnv, GATEWAY_PORT: String(gatewayPort) }, healthUrl: `http://127.0.0.1:${gatewayPort}/health` });

    const tokenConfig = loadGatewayConfig(gatewayEnv);
    const token = (role: Role, sub?: string) => mintToken(tokenConfig, { role, sub: sub ?? (role === "customer" ? "C000001" : `test-${role}`) });
    const agent = `Bearer ${await token("agent")}`;
    const post = async (body: unknown, headers: Record<string, string> = {}) => {
      const all: Record<string, string> = { "content-type": "application/json", authorization: agent, ...headers };
      if (all.authorization === "") delete all.authorization;
      const res = await fetch(gatewayUrl, { method: "POST", headers: all, body: typeof body === "string" ? body : JSON.stringify(body) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* keep text */
      }
      return { status: res.status, body: parsed as any, headers: res.headers };
    };

    return {
      gatewayUrl,
      token,
      unitUrls,
      siloUrls: silos.directUrls,
      silos,
      procs,
      specs,
      logs,
      post,
      async query(query, variables, headers) {
        const res = await post({ query, variables }, headers);
        return res.body;
      },
      async restart(name) {
        const spec = specs.get(name)!;
        await stopAll([procs.get(name)!]);
        await run(spec);
      },
      startUnits,
      async startGateway(name, env) {
        const port = await freePort();
        const gateway = specs.get("gateway")!;
        await run({ ...gateway, name, env: { ...gateway.env, ...env, GATEWAY_PORT: String(port) }, healthUrl: `http://127.0.0.1:${port}/health` });
        return `http://127.0.0.1:${port}/graphql`;
      },
      async startGatewayHere(env, gatewayOptions) {
        const config = loadGatewayConfig({ ...specs.get("gateway")!.env, ...env, GATEWAY_PORT: "0" });
        const running = await (await createGateway(config, undefined, gatewayOptions)).listen();
        here.push(running);
        return running.url;
      },
      async stop() {
        for (const gateway of here) await gateway.close(1000);
        await stopAll([...procs.values()]);
        await silos.cleanup();
      },
    };
  } catch (err) {
    await stopAll([...procs.values()]);
    const tail = [...logs].map(([name, lines]) => `--- ${name}\n${lines.slice(-20).join("\n")}`).join("\n");
    await silos.cleanup();
    throw new Error(`${(err as Error).message}\n${tail}`);
  }
}
