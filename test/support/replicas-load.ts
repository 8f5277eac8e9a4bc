import autocannon from "autocannon";
import { randomBytes } from "node:crypto";
import { TEST_REDIS_URL, ensureRedis } from "./redis";
import { startStack } from "./stack";

/**
 * Requests/s of one gateway replica against two, over the same units and
 * one Redis, from many callers (a token each), as docs/scaling.md reports:
 *
 *   npm run build && npx ts-node --transpile-only test/support/replicas-load.ts [seconds]
 *
 * Two replicas get the same connections split between them, as a balancer
 * would spread them; the rate limiter is on (in Redis) with a budget out of
 * reach, so every request pays for the shared count. Rounds alternate one
 * and two replicas. On a machine where the load generator and the units
 * share the cores with the gateways, the ratio is what is left for the
 * gateways, not what a second machine would add.
 */
const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = 50;
const CALLERS = 50;
const QUERY = JSON.stringify({ query: `query($sku: ID!) { product(sku: $sku) { sku name category listPrice { amount currency } } }`, variables: { sku: "SKU-0001" } });

async function main(): Promise<void> {
  const problem = ensureRedis();
  if (problem) throw new Error(problem);
  const stack = await startStack({
    env: { GATEWAY_LOG_LEVEL: "warn", BOOKINGS_LOG_LEVEL: "warn", BILLING_LOG_LEVEL: "warn", RETAIL_LOG_LEVEL: "warn", PROMOTIONS_LOG_LEVEL: "warn" },
    gatewayEnv: { GATEWAY_REDIS_URL: TEST_REDIS_URL, GATEWAY_REDIS_PREFIX: `cgt-load-${randomBytes(3).toString("hex")}:`, GATEWAY_RATE_LIMIT_PER_MINUTE: "100000000", GATEWAY_RATE_LIMIT_BURST: "100000000" },
  });
  try {
    const urls = [stack.gatewayUrl, await stack.startGateway("gateway-b", {})];
    const tokens = await Promise.all(Array.from({ length: CALLERS }, (_, i) => stack.token("agent", `load-${i}`)));
    const load = async (url: string, connections: number, seconds: number) => {
      let n = 0;
      const result = await autocannon({
        url,
        method: "POST",
        connections,
        duration: seconds,
        requests: [{ setupRequest: (req) => ({ ...req, method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${tokens[n++ % tokens.length]}` }, body: QUERY }) }],
      });
      if (result.errors || result.non2xx || result.timeouts) throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`);
      return result.requests.total / seconds;
    };
    const one = () => load(urls[0], CONNECTIONS, SECONDS);
    const two = async () => (await Promise.all(urls.map((url) => load(url, CONNECTIONS / 2, SECONDS)))).reduce((a, b) => a + b, 0);
    // Warm-up at full load: plans cached, connections open, code optimised by V8 in both replicas.
    await Promise.all(urls.map((url) => load(url, CONNECTIONS / 2, 5)));
    const rounds: { one: number; two: number }[] = [];
    // Alternated, so neither shape always runs first.
    for (let round = 0; round < 2; round += 1) {
      if (round % 2 === 0) {
        const first = await one();
        rounds.push({ one: first, two: await two() });
      } else {
        const first = await two();
        rounds.push({ two: first, one: await one() });
      }
    }
    const mean = (k: "one" | "two") => rounds.reduce((s, r) => s + r[k], 0) / rounds.length;
    for (const r of rounds) process.stdout.write(`round: one replica ${r.one.toFixed(0)} req/s, two replicas ${r.two.toFixed(0)} req/s\n`);
    process.stdout.write(`mean: one ${mean("one").toFixed(0)} req/s, two ${mean("two").toFixed(0)} req/s, ratio ${(mean("two") / mean("one")).toFixed(2)} (${CONNECTIONS} connections, ${CALLERS} callers, ${SECONDS} s per run)\n`);
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
