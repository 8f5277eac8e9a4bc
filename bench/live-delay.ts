import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { answerHelp } from "../scripts/cli";
import { startStack } from "../test/support/stack";

/*
 * From a write to the open screen: one call-centre subscriber follows a
 * customer through the gateway (graphql-ws) while a store till changes the
 * customer's marketing consent, one write at a time, over HTTP. For each
 * write: the time from the write's answer (committed, its event in the
 * outbox) to the subscriber's event (relayed by promotions' outbox relay
 * over the broker, completed by the gateway from the other units). The
 * real units, the real broker (NATS at the units' BROKER_URL; `npm start`'s
 * embedded one otherwise). Printed: p50, p99 and max.
 *
 *   npm run bench:live-delay [-- --writes=100]
 */

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const WRITES = Number(args.get("writes") ?? 100);
const CUSTOMER = "C000007";
const FOLLOW = `subscription Follow($id: ID!) { customerChanged(id: $id) { at unit kind customer { name consent { sms } } } }`;
const WRITE = `mutation Consent($id: ID!, $sms: Boolean!) { setMarketingConsent(customerId: $id, sms: $sms) { sms } }`;

const USAGE = "usage: npm run bench:live-delay [-- --writes=N]\n\nTimes N consent writes at the store, one at a time, from each write's answer to the\ncall centre subscriber's event (the real units and broker); prints p50, p99 and max.\n";

async function main(): Promise<void> {
  answerHelp(USAGE);
  const stack = await startStack({ env: { GATEWAY_LOG_LEVEL: "warn" } });
  let client: Client | undefined;
  try {
    const authorization = `Bearer ${await stack.token("agent", "live-delay-bench")}`;
    const waiting: ((at: number) => void)[] = [];
    let errors = 0;
    client = createClient({ url: stack.gatewayUrl.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: { authorization, "x-channel": "CALL_CENTER" } });
    client.subscribe(
      { query: FOLLOW, variables: { id: CUSTOMER } },
      {
        next: (result) => {
          if (result.errors) errors += 1;
          waiting.shift()?.(performance.now());
        },
        error: () => (errors += 1),
        complete: () => undefined,
      },
    );
    // The subscription is open once a first write's event arrives.
    const write = async (sms: boolean) => {
      const res = await fetch(stack.gatewayUrl, { method: "POST", headers: { "content-type": "application/json", authorization, "x-channel": "STORE" }, body: JSON.stringify({ query: WRITE, variables: { id: CUSTOMER, sms } }) });
      const body = (await res.json()) as { errors?: unknown[] };
      if (body.errors) throw new Error(`the write failed: ${JSON.stringify(body.errors)}`);
      return performance.now();
    };
    const event = () =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no event within 10 s of a write")), 10_000);
        waiting.push((at) => (clearTimeout(timer), resolve(at)));
      });
    for (let warm = 0; ; warm += 1) {
      const arrived = event().catch(() => null);
      await write(warm % 2 === 0);
      if ((await arrived) !== null) break;
      if (warm > 20) throw new Error("the subscription never delivered an event");
    }
    const delays: number[] = [];
    for (let i = 0; i < WRITES; i += 1) {
      const arrived = event();
      const answered = await write(i % 2 === 1);
      delays.push((await arrived) - answered);
    }
    delays.sort((a, b) => a - b);
    const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))].toFixed(0);
    console.log(`write to subscriber's event: ${WRITES} consent writes at the store, one subscriber in the call centre, errors ${errors}`);
    console.log(`  from the write's answer to the event: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${delays[delays.length - 1].toFixed(0)} ms`);
  } finally {
    await client?.dispose();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
