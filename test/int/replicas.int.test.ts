import { createHash, randomBytes } from "node:crypto";
import Redis from "ioredis";
import { eventually } from "../support/eventually";
import { TEST_REDIS_URL, ensureRedis, startRedis, stopRedis } from "../support/redis";
import { type Stack, startStack } from "../support/stack";

/**
 * Two gateway replicas over the same units and one real Redis, as behind a
 * load balancer: what one replica learns (a caller's spent budget, an APQ
 * hash) the other knows; Redis going away costs neither its service; a
 * replica killed under load costs only what it had in flight.
 */
const problem = ensureRedis();
if (problem && process.env.CI === "true") throw new Error(`the replica tests need Redis (CI=true): ${problem}`);
if (problem) process.stderr.write(`\nreplicas.int.test.ts skipped: ${problem} (CI=true makes this a failure)\n`);

const BUDGET = 40;
const PRODUCT = `{ product(sku: "SKU-0001") { sku name listPrice { amount } } }`;

(problem ? describe.skip : describe)("two gateway replicas sharing Redis", () => {
  // Keys of this run only: several graphs (and test runs) share one Redis by prefix.
  const prefix = `cgt-${randomBytes(4).toString("hex")}:`;
  let stack: Stack;
  let a: string;
  let b: string;

  beforeAll(async () => {
    stack = await startStack({
      gatewayEnv: {
        GATEWAY_REDIS_URL: TEST_REDIS_URL,
        GATEWAY_REDIS_PREFIX: prefix,
        // One window of BUDGET requests that outlasts the test: nothing refills in between.
        GATEWAY_RATE_LIMIT_PER_MINUTE: "1",
        GATEWAY_RATE_LIMIT_BURST: String(BUDGET),
        GATEWAY_RATE_LIMIT_ON_REDIS_DOWN: "open",
      },
    });
    a = stack.gatewayUrl;
    b = await stack.startGateway("gateway-b", { GATEWAY_RATE_LIMIT_ON_REDIS_DOWN: "closed" });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    try {
      await redis.connect();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });

  const bearer = async (sub: string) => `Bearer ${await stack.token("agent", sub)}`;
  const send = async (url: string, body: unknown, authorization?: string) => {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  const metric = async (url: string, series: string) => {
    const text = await (await fetch(url.replace(/\/graphql$/, "/metrics"))).text();
    const line = text.split("\n").find((l) => l.startsWith(`${series} `));
    return line ? Number(line.split(" ")[1]) : 0;
  };
  /** Waits until a replica's `gateway_redis_up` reads `up` (each replica retries Redis on its own backoff), and returns what it read. */
  const redisUp = (url: string, what: string, up: 0 | 1, withinMs: number) =>
    eventually(
      what,
      () => metric(url, "gateway_redis_up"),
      (value) => value === up,
      withinMs,
    );

  it("counts a caller's budget across both replicas: the 429 comes after the budget, not twice it", async () => {
    const caller = await bearer("shared-budget");
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET; i += 1) statuses.push((await send(i % 2 ? b : a, { query: PRODUCT }, caller)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(BUDGET);
    for (const url of [a, b]) {
      const limited = await send(url, { query: PRODUCT }, caller);
      expect(limited.status).toBe(429);
      expect(limited.body.errors[0].extensions.code).toBe("RATE_LIMITED");
      expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    }
    // Another caller has a budget of its own.
    expect((await send(b, { query: PRODUCT }, await bearer("other-caller"))).status).toBe(200);
    // The budgets are under this graph's prefix.
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.keys(`${prefix}rate*shared-budget`)).toHaveLength(1);
    } finally {
      redis.disconnect();
    }
  });

  it("serves an automatic persisted query on one replica that was registered on the other", async () => {
    const query = `{ product(sku: "SKU-0002") { sku name category } }`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash("sha256").update(query).digest("hex") } };
    const caller = await bearer("apq-client");
    const unknown = await send(b, { extensions }, caller);
    expect(unknown.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    const registered = await send(a, { query, extensions }, caller);
    expect(registered.status).toBe(200);
    const byHash = await send(b, { extensions }, caller);
    expect(byHash.status).toBe(200);
    expect(byHash.body.data).toEqual(registered.body.data);
    expect(byHash.body.data.product.sku).toBe("SKU-0002");
  });

  it("keeps serving while Redis is down (A fails open, B fails closed), says so in /metrics, and recovers when it returns", async () => {
    const caller = await bearer("through-an-outage");
    const unchecked = 'gateway_rate_limit_unchecked_total{action="allowed"}';
    const refused = 'gateway_rate_limit_unchecked_total{action="refused"}';
    stopRedis();
    try {
      expect(await redisUp(a, "replica A notices Redis is down", 0, 10_000)).toBe(0);
      await redisUp(b, "replica B notices Redis is down", 0, 10_000);
      const open = await send(a, { query: PRODUCT }, caller);
      expect(open.status).toBe(200);
      expect(open.body.data.product.sku).toBe("SKU-0001");
      expect(await metric(a, unchecked)).toBeGreaterThan(0);
      const closed = await send(b, { query: PRODUCT }, caller);
      expect(closed.status).toBe(503);
      expect(closed.body.errors[0].extensions.code).toBe("RATE_LIMIT_UNAVAILABLE");
      expect(closed.headers.get("retry-after")).toBe("1");
      expect(await metric(b, refused)).toBeGreaterThan(0);
      expect(stack.logs.get("gateway")!.join("\n")).toMatch(/Redis does not answer: rate limiting fails open/);
      expect(stack.logs.get("gateway-b")!.join("\n")).toMatch(/Redis does not answer: rate limiting fails closed/);
    } finally {
      if (!startRedis()) throw new Error("Redis could not be started again after the outage test");
    }
    // Back by itself: no restart of either replica.
    await eventually(
      "replica B checks budgets again",
      async () => (await send(b, { query: PRODUCT }, caller)).status,
      (s) => s === 200,
      15_000,
    );
    // Each replica reconnects at its own pace: A is not behind B by anything the test controls.
    expect(await redisUp(a, "replica A sees Redis again", 1, 15_000)).toBe(1);
    expect(stack.logs.get("gateway-b")!.join("\n")).toMatch(/Redis is back/);
  }, 60_000);

  it("loses only the killed replica's in-flight requests under load; the load continues on the other", async () => {
    const urls = [a, b];
    const callers = await Promise.all(Array.from({ length: 30 }, (_, i) => bearer(`load-${i}`)));
    const CONCURRENCY = 8;
    // inFlight: sent to B before it was killed and not answered; afterwards: refused (or reset) by B once dead; lost: failed on both.
    const stats = { completed: 0, retried: 0, inFlight: 0, afterwards: 0, lost: 0, afterKill: 0 };
    let killed = false;
    let sent = 0;
    let stop = false;
    // A balancer's client: round robin, and a request that fails is sent once more, to the other replica.
    const attempt = async (url: string, authorization: string): Promise<boolean> => {
      try {
        const res = await send(url, { query: PRODUCT }, authorization);
        return res.status === 200 && res.body.data?.product?.sku === "SKU-0001";
      } catch {
        return false;
      }
    };
    const worker = async () => {
      while (!stop) {
        const n = sent++;
        const first = n % 2;
        const caller = callers[n % callers.length];
        const sentBeforeKill = !killed;
        let ok = await attempt(urls[first], caller);
        if (!ok) {
          if (sentBeforeKill) stats.inFlight += 1;
          else stats.afterwards += 1;
          stats.retried += 1;
          ok = await attempt(urls[1 - first], caller);
        }
        if (ok) {
          stats.completed += 1;
          if (killed) stats.afterKill += 1;
        } else stats.lost += 1;
      }
    };
    const workers = Array.from({ length: CONCURRENCY }, worker);
    await eventually(
      "the load is under way",
      () => stats.completed,
      (n) => n >= 150,
      60_000,
    );
    stack.procs.get("gateway-b")!.child.kill("SIGKILL");
    killed = true;
    await eventually(
      "the load goes on on replica A",
      () => stats.afterKill,
      (n) => n >= 150,
      60_000,
    );
    stop = true;
    await Promise.all(workers);
    process.stdout.write(`replica killed under load: ${JSON.stringify(stats)}\n`);
    // Only what was in flight when B died failed there (never more than the client's concurrency), and each of those got its answer from A.
    expect(stats.inFlight).toBeLessThanOrEqual(CONCURRENCY);
    expect(stats.lost).toBe(0);
    expect(stats.retried).toBeGreaterThan(0);
  }, 120_000);
});
