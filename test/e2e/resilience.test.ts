import { type DelayProxy, startDelayProxy } from "../support/delay-proxy";
import { eventually } from "../support/eventually";
import { type Sample, send, startLoad } from "../support/load";
import { type Stack, startStack } from "../support/stack";
import { unitNames } from "../../kit/manifest";
import { PER_UNIT } from "./queries";

/**
 * A gateway that stays up, over five real processes on loopback. Retail and
 * promotions are reached through delay proxies so a test can make them
 * answer late; the tests run in order on one stack (the last one stops the
 * gateway).
 */
const BODY = { query: PER_UNIT, variables: { id: "C000001" } };
const FULL = { billing: { name: "Maria Schmidt" }, bookings: { stayCount: 5 }, retail: { loyalty: { tier: "GOLD" } }, promotions: { consent: { email: true } } };
const COOLDOWN_MS = 1000;
// Wide enough that a busy two-core machine does not time a healthy unit out.
const RETAIL_TIMEOUT_MS = 1000;
const DEADLINE_MS = 2500;

interface Ready {
  status: string;
  units: Record<string, { status: "up" | "down"; breaker: string }>;
}

describe("a gateway that stays up (five real processes)", () => {
  let stack: Stack;
  let retail: DelayProxy;
  let promotions: DelayProxy;
  let ready: () => Promise<Ready>;

  const gatewayLog = () =>
    (stack.logs.get("gateway") ?? []).flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

  beforeAll(async () => {
    retail = await startDelayProxy();
    promotions = await startDelayProxy();
    stack = await startStack({
      deferUnits: true,
      gatewayEnv: {
        SUBGRAPH_RETAIL_URL: retail.url,
        SUBGRAPH_PROMOTIONS_URL: promotions.url,
        SUBGRAPH_RETAIL_TIMEOUT_MS: String(RETAIL_TIMEOUT_MS),
        GATEWAY_REQUEST_DEADLINE_MS: String(DEADLINE_MS),
        GATEWAY_BREAKER_FAILURES: "3",
        GATEWAY_BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
        GATEWAY_RETRY_BASE_MS: "20",
        GATEWAY_SHUTDOWN_GRACE_MS: "5000",
      },
    });
    const readyUrl = stack.gatewayUrl.replace(/\/graphql$/, "/ready");
    ready = async () => (await (await fetch(readyUrl)).json()) as Ready;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await retail?.close();
    await promotions?.close();
  });

  it("starts and serves before any unit is up, then serves them as they come", async () => {
    const before = await ready();
    expect(before.status).toBe("ready");
    expect(Object.values(before.units).map((u) => u.status)).toEqual(unitNames().map(() => "down"));
    const alone = await send(stack.gatewayUrl, BODY);
    expect(alone.status).toBe(200);
    expect(alone.data).toEqual({ billing: null, bookings: null, retail: null, promotions: null });
    expect(alone.errors[0]).toMatchObject({ code: "UNAVAILABLE", unit: "billing" });

    retail.target = new URL(stack.unitUrls.get("retail")!).origin;
    promotions.target = new URL(stack.unitUrls.get("promotions")!).origin;
    await stack.startUnits();
    await eventually(
      "every unit answering",
      () => send(stack.gatewayUrl, BODY),
      (s) => s.errors.length === 0,
      COOLDOWN_MS + 5000,
    );
    const after = await eventually("every unit up and closed in /ready", ready, (r) => Object.values(r.units).every((u) => u.status === "up" && u.breaker === "closed"));
    expect(Object.keys(after.units).sort()).toEqual([...unitNames()].sort());
  }, 30_000);

  it("answers a slow unit's fields with TIMEOUT after its own timeout, and the rest in full", async () => {
    retail.delayMs = RETAIL_TIMEOUT_MS * 3;
    try {
      const answer = await send(stack.gatewayUrl, BODY);
      expect(answer.ms).toBeGreaterThanOrEqual(RETAIL_TIMEOUT_MS);
      expect(answer.ms).toBeLessThan(RETAIL_TIMEOUT_MS + 1000);
      expect(answer.data).toEqual({ ...FULL, retail: { loyalty: null } });
      expect(answer.errors).toEqual([{ code: "TIMEOUT", unit: "retail", message: `the retail unit did not answer within ${RETAIL_TIMEOUT_MS} ms` }]);
    } finally {
      retail.delayMs = 0;
    }
  });

  it("answers within the request's deadline when a unit is slower than its timeout allows", async () => {
    promotions.delayMs = 6000; // beyond the deadline and its own timeout (the default 5000)
    try {
      const answer = await send(stack.gatewayUrl, BODY);
      expect(answer.ms).toBeLessThan(DEADLINE_MS + 1000);
      expect(answer.data).toEqual({ ...FULL, promotions: { consent: null } });
      expect(answer.errors).toEqual([{ code: "TIMEOUT", unit: "promotions", message: "the promotions unit did not answer before the request's deadline" }]);
    } finally {
      promotions.delayMs = 0;
    }
  });

  it("keeps serving through a unit killed under load, opens its breaker, and serves it again after a restart", async () => {
    const load = startLoad(stack.gatewayUrl, BODY, 4);
    // Let the load run a while first, however busy the machine is.
    await eventually("the load answered before the kill", () => load.samples.filter((s) => s.status === 200).length >= 4);
    const bookings = stack.procs.get("bookings")!;
    bookings.child.kill("SIGKILL");
    await bookings.exited;
    const killedAt = Date.now();
    await eventually("bookings' breaker open in /ready", ready, (r) => r.units.bookings.breaker === "open" && r.units.bookings.status === "down", 8000);

    await stack.restart("bookings");
    const restartedAt = Date.now();
    const served = (s: Sample) => s.at > restartedAt && same(s.data?.bookings, FULL.bookings);
    await eventually("bookings served again", () => load.samples.some(served), Boolean, COOLDOWN_MS + 4000);
    const recoveredAt = Math.min(...load.samples.filter(served).map((s) => s.at + s.ms));
    await new Promise((r) => setTimeout(r, 200));
    const samples: Sample[] = await load.stop();

    expect(stack.procs.get("gateway")!.child.exitCode).toBeNull();
    expect(samples.some((s) => s.at + s.ms < killedAt)).toBe(true); // the load ran before the kill too
    expect(samples.every((s) => s.status === 200)).toBe(true);
    // Every other unit's fields were served throughout.
    for (const s of samples) expect({ ...s.data, bookings: null }).toEqual({ ...FULL, bookings: null });
    const failed = samples.filter((s) => s.errors.length > 0);
    expect(failed.length).toBeGreaterThan(0);
    // Only bookings' own field is null: the customer it belongs to stays.
    expect(failed.every((s) => same(s.data?.bookings, { stayCount: null }) && s.at + s.ms >= killedAt - 50)).toBe(true);
    // Refused connections until the breaker opens, then failing fast with the breaker's own code.
    expect(new Set(failed.flatMap((s) => s.errors.map((e) => `${e.code}:${e.unit}`)))).toEqual(new Set(["UNAVAILABLE:bookings", "CIRCUIT_OPEN:bookings"]));
    expect(JSON.stringify(failed)).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|stack/i);
    expect(recoveredAt - restartedAt).toBeLessThan(COOLDOWN_MS + 3000);

    const breaker = gatewayLog()
      .filter((l) => l.unit === "bookings" && typeof l.breaker === "string")
      .map((l) => l.breaker);
    expect(breaker.join(" ")).toMatch(/open half-open closed$/);
    expect((await ready()).units.bookings).toEqual({ status: "up", breaker: "closed" });
  }, 30_000);

  it("finishes a request in flight when the gateway gets SIGTERM, then exits", async () => {
    promotions.delayMs = 800;
    const inFlight = send(stack.gatewayUrl, BODY);
    await new Promise((r) => setTimeout(r, 250));
    const gateway = stack.procs.get("gateway")!;
    gateway.child.kill("SIGTERM");
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.errors).toEqual([]);
    expect(answer.data).toEqual(FULL);
    expect(await gateway.exited).toBe(0);
    expect((await send(stack.gatewayUrl, BODY)).status).toBe(0); // no longer listening
  }, 15_000);
});

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
