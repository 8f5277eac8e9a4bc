import { type DelayProxy, startDelayProxy } from "../support/delay-proxy";
import { parsePrometheusText } from "../support/prometheus";
import { type Stack, startStack } from "../support/stack";
import { CUSTOMER_360, CUSTOMERS_360, PER_UNIT } from "./queries";

const PRICE = `query Price($c: ID) { product(sku: "SKU-0010") { sku name listPrice { amount currency } price(customerId: $c) { final { amount } appliedOffer { code } } } }`;
const ME = `{ me { id name stayCount loyalty { tier } consent { email } offers { code } } }`;

type Answer = { data?: unknown; errors?: unknown[] };

/**
 * The gateway's batches to the units (GATEWAY_UNIT_BATCH, batch.ts):
 * fetches of many callers to one unit in one tick travel as one HTTP
 * request, and every client request gets the same answer (data and errors)
 * as with batching off. Two gateways over the same units, one with it
 * on (the default), one with it off; each reaches bookings through a proxy
 * of its own that counts the HTTP requests it forwards.
 */
describe("batches to the units, end to end", () => {
  let stack: Stack;
  let batched: DelayProxy;
  let single: DelayProxy;
  let singleUrl = "";
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    [batched, single] = await Promise.all([startDelayProxy(), startDelayProxy()]);
    stack = await startStack({ env: { GATEWAY_LOG_LEVEL: "error" }, gatewayEnv: { SUBGRAPH_BOOKINGS_URL: batched.url } });
    batched.target = single.target = new URL(stack.unitUrls.get("bookings")!).origin;
    singleUrl = await stack.startGateway("gateway-single", { SUBGRAPH_BOOKINGS_URL: single.url, GATEWAY_UNIT_BATCH: "false" });
    for (let n = 1; n <= 12; n += 1) tokens.set(`agent-${n}`, await stack.token("agent", `agent-${n}`));
    for (const id of ["C000001", "C000002", "C000003", "C000004"]) tokens.set(id, await stack.token("customer", id));
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await batched?.close();
    await single?.close();
  });

  /** ~40 requests of 17 callers: agents (any customer), customers (their own, and one not theirs), anonymous (the catalogue). */
  const mix: Array<{ caller: string | null; query: string; variables: Record<string, unknown> }> = [
    ...Array.from({ length: 12 }, (_, n) => ({ caller: `agent-${n + 1}`, query: CUSTOMER_360, variables: { id: `C00000${(n % 9) + 1}` } })),
    ...Array.from({ length: 8 }, (_, n) => ({ caller: `agent-${(n % 12) + 1}`, query: PER_UNIT, variables: { id: `C00001${n}` } })),
    ...Array.from({ length: 4 }, (_, n) => ({ caller: `agent-${n + 5}`, query: CUSTOMERS_360, variables: { text: "C0000", first: 5 + n } })),
    ...["C000001", "C000002", "C000003", "C000004"].map((id) => ({ caller: id, query: ME, variables: {} })),
    ...["C000001", "C000002"].map((id) => ({ caller: id, query: CUSTOMER_360, variables: { id: id === "C000001" ? "C000002" : "C000003" } })),
    ...Array.from({ length: 6 }, (_, n) => ({ caller: n % 2 ? "C000003" : null, query: PRICE, variables: { c: n % 2 ? "C000003" : null } })),
    ...Array.from({ length: 4 }, (_, n) => ({ caller: `agent-${n + 9}`, query: PRICE, variables: { c: `C00000${n + 1}` } })),
  ];

  const send = async (url: string, proxy: DelayProxy) => {
    const before = proxy.received;
    const answers = await Promise.all(
      mix.map(async ({ caller, query, variables }) => {
        const headers: Record<string, string> = { "content-type": "application/json", "x-channel": "WEB" };
        if (caller) headers.authorization = `Bearer ${tokens.get(caller)}`;
        const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
        // Provenance's times are when each unit read its silo: the same shape both ways, never the same instant.
        return JSON.parse((await res.text()).replace(/"(readAt|answeredAt)":"[^"]+"/g, `"$1":"<time>"`)) as Answer;
      }),
    );
    return { answers, bookingsRequests: proxy.received - before };
  };

  /** A gateway's own counts of its HTTP requests to bookings, from one scrape of its /metrics. */
  const bookingsCounts = async (graphqlUrl: string) => {
    const page = parsePrometheusText(await (await fetch(graphqlUrl.replace(/\/graphql$/, "/metrics"))).text());
    return {
      single: page.sum("gateway_subgraph_http_requests_total", { subgraph: "bookings", kind: "single" }),
      batch: page.sum("gateway_subgraph_http_requests_total", { subgraph: "bookings", kind: "batch" }),
      entries: page.sum("gateway_subgraph_batch_entries_total", { subgraph: "bookings" }),
    };
  };

  it("answers many callers' concurrent requests exactly as without batches, in fewer HTTP requests to the unit", async () => {
    // The first answers teach the gateway that the units take batches.
    await send(stack.gatewayUrl, batched);
    const [onBefore, offBefore] = [await bookingsCounts(stack.gatewayUrl), await bookingsCounts(singleUrl)];
    const on = await send(stack.gatewayUrl, batched);
    const off = await send(singleUrl, single);
    const [onAfter, offAfter] = [await bookingsCounts(stack.gatewayUrl), await bookingsCounts(singleUrl)];
    // The gateways' own counts of their HTTP requests to bookings are what each proxy forwarded.
    expect(onAfter.single - onBefore.single + onAfter.batch - onBefore.batch).toBe(on.bookingsRequests);
    expect(onAfter.batch).toBeGreaterThan(onBefore.batch);
    expect(onAfter.entries - onBefore.entries).toBeGreaterThanOrEqual(2 * (onAfter.batch - onBefore.batch));
    expect(offAfter.single - offBefore.single).toBe(off.bookingsRequests);
    expect(offAfter.batch + offAfter.entries).toBe(0);
    process.stdout.write(`HTTP requests to bookings for ${mix.length} client requests of 17 callers: ${on.bookingsRequests} batched, ${off.bookingsRequests} not\n`);
    expect(on.answers).toEqual(off.answers);
    expect(on.bookingsRequests).toBeLessThan(off.bookingsRequests);
    // Not vacuous: agents get whole views, a customer is refused another's data, the anonymous caller gets prices.
    const agentView = on.answers[0] as { data: { customer: { id: string } }; errors?: unknown[] };
    expect(agentView.errors).toBeUndefined();
    expect(agentView.data.customer.id).toBe("C000001");
    const notTheirs = on.answers[mix.findIndex((m) => m.caller === "C000001" && m.query === CUSTOMER_360)];
    expect(JSON.stringify(notTheirs.errors)).toMatch(/FORBIDDEN/);
    expect(new Set(on.answers.map((a) => JSON.stringify(a))).size).toBeGreaterThan(20);
  });
});
