import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { answerHelp } from "../scripts/cli";
import { startStack } from "../test/support/stack";
import { startEventsFixture, supergraphWithEvents } from "./events-unit";

/*
 * Subscription fan-out: 1,000 subscribers (one WebSocket each, as 1,000
 * open call-centre screens) follow one customer through the gateway, as
 * one agent; the events unit sends a burst of events, and each event is
 * completed by the gateway from the other units (name from billing,
 * loyalty tier from retail) and handed to every subscriber. Printed: events
 * and deliveries per second until every subscriber had every event, and
 * the gateway's CPU time and resident memory (its /metrics) over the burst.
 *
 *   npm run bench:fanout [-- --subscribers=1000 --events=200]
 */

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const SUBSCRIBERS = Number(args.get("subscribers") ?? 1000);
const EVENTS = Number(args.get("events") ?? 200);
const QUERY = `subscription Follow { customerChanged(id: "C000001") { at kind customer { name loyalty { tier } } } }`;

async function gatewayProcess(url: string): Promise<{ cpuSeconds: number; rssBytes: number }> {
  const text = await (await fetch(url.replace(/\/graphql$/, "/metrics"))).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, "m").exec(text)?.[1] ?? NaN);
  return { cpuSeconds: value("process_cpu_seconds_total"), rssBytes: value("process_resident_memory_bytes") };
}

const USAGE =
  "usage: npm run bench:fanout [-- --subscribers=N --events=E]\n\nOpens N WebSocket subscribers following one customer, sends E events through a test unit\nand prints events and deliveries per second, with the gateway's CPU and memory.\n";

async function main(): Promise<void> {
  answerHelp(USAGE);
  const events = await startEventsFixture();
  const dir = mkdtempSync(join(tmpdir(), "fanout-"));
  const supergraph = join(dir, "supergraph.graphql");
  writeFileSync(supergraph, supergraphWithEvents(events.url));
  const stack = await startStack({
    gatewayEnv: { SUPERGRAPH_PATH: supergraph, SUBGRAPH_EVENTS_URL: events.url, GATEWAY_SUBSCRIPTIONS_PER_CALLER: String(SUBSCRIBERS), GATEWAY_SUBSCRIPTION_BUFFER: String(EVENTS + 10), GATEWAY_LOG_LEVEL: "warn" },
  });
  const clients: Client[] = [];
  try {
    const authorization = `Bearer ${await stack.token("agent", "fanout-bench")}`;
    const wsUrl = stack.gatewayUrl.replace(/^http/, "ws");
    const received = new Array<number>(SUBSCRIBERS).fill(0);
    let errors = 0;
    let allDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allDone = resolve));
    let complete = 0;
    for (let i = 0; i < SUBSCRIBERS; i += 1) {
      const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization, "x-channel": "CALL_CENTER" } });
      clients.push(client);
      client.subscribe(
        { query: QUERY },
        {
          next: (result) => {
            if (result.errors) errors += 1;
            received[i] += 1;
            if (received[i] === EVENTS && ++complete === SUBSCRIBERS) allDone();
          },
          error: () => (errors += 1),
          complete: () => undefined,
        },
      );
    }
    const deadline = Date.now() + 60_000;
    while (events.open() < 1 || (await subscribed(stack.gatewayUrl)) < SUBSCRIBERS) {
      if (Date.now() > deadline) throw new Error(`only ${await subscribed(stack.gatewayUrl)} of ${SUBSCRIBERS} subscribers joined`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = await gatewayProcess(stack.gatewayUrl);
    const started = process.hrtime.bigint();
    for (let e = 0; e < EVENTS; e += 1) {
      events.emit("C000001", `BENCH_${e}`);
      // Let the socket write between events, as a relay publishing one by one would.
      if (e % 10 === 9) await new Promise((r) => setImmediate(r));
    }
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${complete} of ${SUBSCRIBERS} subscribers had every event`)), 120_000))]);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const after = await gatewayProcess(stack.gatewayUrl);
    const deliveries = SUBSCRIBERS * EVENTS;
    console.log(`subscription fan-out: ${SUBSCRIBERS} subscribers (one WebSocket each, one agent), ${EVENTS} events, one upstream stream`);
    console.log(`  every subscriber had every event after ${(seconds * 1000).toFixed(0)} ms: ${(EVENTS / seconds).toFixed(0)} events/s, ${(deliveries / seconds).toFixed(0)} deliveries/s; errors: ${errors}`);
    console.log(
      `  gateway CPU: ${((after.cpuSeconds - before.cpuSeconds) * 1000).toFixed(0)} ms over the burst (${(((after.cpuSeconds - before.cpuSeconds) / seconds) * 100).toFixed(0)}% of one core); RSS ${(before.rssBytes / 2 ** 20).toFixed(0)} MiB with the subscribers open, ${(after.rssBytes / 2 ** 20).toFixed(0)} MiB after the burst`,
    );
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await stack.stop();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Open subscriptions, from the gateway's /metrics. */
async function subscribed(url: string): Promise<number> {
  const text = await (await fetch(url.replace(/\/graphql$/, "/metrics"))).text();
  return Number(/^gateway_subscriptions_open (\S+)/m.exec(text)?.[1] ?? 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
