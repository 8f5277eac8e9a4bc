import type { Knex } from "knex";
import { loadGatewayConfig } from "../../gateway/config";
import { type GatewayInjections, createGateway } from "../../gateway/server";
import type { RunningServer } from "../../kit";
import { loadUnit, readManifest } from "../../scripts/manifest";
import { mintToken } from "../../gateway/admission/token";
import { tempSiloDir } from "./silo";

/**
 * The gateway and all four subgraphs in this jest process, over HTTP on
 * loopback as in production, each unit over a fresh SQLite silo: for tests
 * that need to see inside every process at once (each silo's knex events,
 * one tracer provider for the whole graph).
 */
export interface InProcessGraph {
  gatewayUrl: string;
  unitUrls: Map<string, string>;
  dbs: Map<string, Knex>;
  /** An agent's `Authorization` header value. */
  authorization: string;
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

/** `options` are what no operator sets, e.g. fetch sharing off to compare with it on. */
export async function startInProcessGraph(env: Record<string, string> = {}, options: GatewayInjections = {}): Promise<InProcessGraph> {
  const silo = tempSiloDir();
  const servers: RunningServer[] = [];
  const dbs = new Map<string, Knex>();
  const unitUrls = new Map<string, string>();
  // Quiet by default: logs would land in jest's output.
  const gatewayEnv: Record<string, string> = { GATEWAY_PORT: "0", GATEWAY_LOG_LEVEL: "error", ...env };
  for (const { name } of readManifest()) {
    const unit = loadUnit(name);
    const key = name.toUpperCase();
    const { subgraph, db } = await unit.create(unit.loadConfig({ [`${key}_DB_URL`]: silo.url(name), [`${key}_PORT`]: "0", [`${key}_LOG_LEVEL`]: "error", ...env }));
    const running = await subgraph.listen(0);
    servers.push(running);
    dbs.set(name, db);
    unitUrls.set(name, running.url);
    gatewayEnv[`SUBGRAPH_${key}_URL`] = running.url;
  }
  const config = loadGatewayConfig(gatewayEnv);
  const authorization = `Bearer ${await mintToken(config, { role: "agent", sub: "in-process-test" })}`;
  const gateway = await (await createGateway(config, undefined, options)).listen();
  servers.push(gateway);
  return {
    gatewayUrl: gateway.url,
    unitUrls,
    dbs,
    authorization,
    async post(body, headers = {}) {
      const res = await fetch(gateway.url, { method: "POST", headers: { "content-type": "application/json", authorization, ...headers }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json(), headers: res.headers };
    },
    async stop() {
      for (const s of servers.reverse()) await s.close(1000);
      for (const db of dbs.values()) await db.destroy();
      silo.cleanup();
    },
  };
}
