import "reflect-metadata";
import { join } from "node:path";
import { loadGatewayConfig } from "../gateway/config";
import { GATEWAY_NODE_ARGS, ROOT, UNIT_ENTRY, UNIT_NODE_ARGS, gatewayEnv, loadUnit, readManifest } from "./manifest";
import { mintToken } from "../gateway/admission/token";
import { answerHelp } from "./cli";
import { type ProcessSpec, type Supervised, launch, stopAll, waitHealthy } from "./supervisor";
import { brokerAnswers } from "../kit/events/probe";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

function unitBrokerUrl(config: Record<string, unknown>, name: string): string {
  return String(config[`${name.toUpperCase()}_BROKER_URL`]);
}

/**
 * `npm start`: the four subgraphs and the gateway as separate processes, on
 * the embedded default unless configured otherwise (SQLite silos; the
 * embedded event broker when no NATS server answers at the units' broker URL). Ctrl-C stops them all;
 * if one dies, it is named and the others are stopped.
 */
const EXAMPLE = `{ customer(id: "C000001") { name bookings(first: 2) { property { name } checkIn } stayCount loyalty { tier } offers { code title } timeline(first: 5) { at unit summary } } }`;

const procs: Supervised[] = [];
let stopping = false;

const USAGE = `usage: npm start
Builds, then runs the units of subgraphs/manifest.json and the gateway, each as its own process,
configured by the environment (README.md, "Configuration"); Ctrl-C stops them all.`;

async function main(): Promise<void> {
  answerHelp(USAGE);
  const log = (name: string, line: string) => process.stdout.write(`${name.padEnd(10)} | ${line}\n`);
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stopAll(procs);
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  const start = async (spec: ProcessSpec) => {
    const proc = launch(spec, log);
    procs.push(proc);
    void proc.exited.then((code) => {
      if (stopping) return;
      process.stderr.write(`\n${spec.name} stopped unexpectedly (exit ${code}); stopping the others\n`);
      void shutdown(1);
    });
    await waitHealthy(spec, proc);
  };

  const began = Date.now();
  // The units' event broker: a NATS server if one answers at their broker URL, else our embedded one there.
  const brokers = new Set(
    readManifest()
      .map(({ name }) => loadUnit(name))
      .map((unit) => unitBrokerUrl(unit.loadConfig(process.env) as Record<string, unknown>, unit.name)),
  );
  for (const url of brokers) {
    const { hostname, port } = new URL(url);
    if (await brokerAnswers(url)) {
      log("broker", `using the NATS server at ${url}`);
      continue;
    }
    if (!LOOPBACK.has(hostname)) {
      log("broker", `no broker answers at ${url} yet; the units keep their events in their outboxes until one does`);
      continue;
    }
    await start({ name: "broker", script: join(ROOT, "dist", "scripts", "embedded-broker.js"), args: [port, hostname], env: {}, healthUrl: url, ready: () => brokerAnswers(url) });
  }
  await Promise.all(
    readManifest().map(async ({ name }) => {
      const unit = loadUnit(name);
      const { port, host } = unit.listenOn(unit.loadConfig(process.env));
      await start({ name, script: join(ROOT, UNIT_ENTRY), args: [name], nodeArgs: UNIT_NODE_ARGS, env: {}, healthUrl: `http://${host}:${port}/health` });
    }),
  );
  const gateway = loadGatewayConfig(process.env);
  await start({ name: "gateway", script: join(ROOT, "dist", "gateway", "main.js"), nodeArgs: GATEWAY_NODE_ARGS, env: gatewayEnv(), healthUrl: `http://${gateway.GATEWAY_HOST}:${gateway.GATEWAY_PORT}/health` });

  const url = `http://${gateway.GATEWAY_HOST === "0.0.0.0" ? "localhost" : gateway.GATEWAY_HOST}:${gateway.GATEWAY_PORT}/graphql`;
  // A demo agent's token, so the example works as printed (development secrets only).
  const token = gateway.NODE_ENV === "production" ? "<your token>" : await mintToken(gateway, { role: "agent", sub: "demo-agent" });
  process.stdout.write(
    [
      "",
      `Customer Graph is up in ${((Date.now() - began) / 1000).toFixed(1)} s: ${url}`,
      ...(gateway.GATEWAY_GRAPHIQL ? [`GraphiQL with worked examples: ${url.replace(/\/graphql$/, "/")} (in a browser; on the development secrets its examples carry a demo token)`] : []),
      "Try (as a demo agent; `npm run token -- --role customer --sub C000001` signs you in as Maria):",
      `  curl -s ${url} -H 'content-type: application/json' -H 'x-channel: WEB' -H 'authorization: Bearer ${token}' \\`,
      `    -d '${JSON.stringify({ query: EXAMPLE })}'`,
      "Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
}

main().catch(async (err: unknown) => {
  process.stderr.write(`start failed: ${(err as Error).message}\n`);
  stopping = true;
  await stopAll(procs);
  process.exit(1);
});
