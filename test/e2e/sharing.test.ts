import { type DelayProxy, startDelayProxy } from "../support/delay-proxy";
import { type Stack, startStack } from "../support/stack";
import { CUSTOMER_360, CUSTOMERS_360 } from "./queries";

const PRICE = `query Price($c: ID) { product(sku: "SKU-0010") { sku name listPrice { amount currency } price(customerId: $c) { list { amount } discount { amount } final { amount } appliedOffer { code title } } } }`;
const PREFERENCES = `query Preferences($id: ID!) { customer(id: $id) { id preferences { preference } } }`;
const PREFER = `mutation Prefer($c: ID!, $p: String!) { setStayPreference(customerId: $c, preference: $p) { preference } }`;

type Answer = { data?: any; errors?: unknown[] };

/**
 * Subgraph calls shared by the gateway (calls.ts: one caller's fetches to a
 * unit batched per tick, identical ones shared in flight) against the same
 * graph with sharing off: a second gateway over the same four units. Each
 * gateway reaches bookings through a proxy of its own, which counts the
 * requests and can hold answers.
 */
describe("sharing subgraph calls, end to end", () => {
  let stack: Stack;
  let bookings: DelayProxy;
  let unsharedBookings: DelayProxy;
  let unsharedUrl = "";
  let agent = "";

  beforeAll(async () => {
    [bookings, unsharedBookings] = await Promise.all([startDelayProxy(), startDelayProxy()]);
    stack = await startStack({ env: { GATEWAY_LOG_LEVEL: "error" }, gatewayEnv: { SUBGRAPH_BOOKINGS_URL: bookings.url } });
    bookings.target = unsharedBookings.target = new URL(stack.unitUrls.get("bookings")!).origin;
    // Sharing is not a setting: the gateway without it runs in this process.
    unsharedUrl = await stack.startGatewayHere({ SUBGRAPH_BOOKINGS_URL: unsharedBookings.url }, { sharing: { batch: false, dedupe: false } });
    agent = `Bearer ${await stack.token("agent")}`;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await bookings?.close();
    await unsharedBookings?.close();
  });

  const post = async (url: string, query: string, variables: Record<string, unknown>, channel = "WEB"): Promise<Answer> => {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: agent, "x-channel": channel }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as Answer;
  };

  it("answers ~30 concurrent mixed requests with the same data with sharing on and off", async () => {
    const customers = ["C000001", "C000002", "C000003", "C000004", "C000005", "C000001", "C000002", "C000001"];
    const mix: Array<[string, Record<string, unknown>]> = [
      ...customers.map((id): [string, Record<string, unknown>] => [CUSTOMER_360, { id }]),
      ...customers.slice(0, 6).map((id): [string, Record<string, unknown>] => [PREFERENCES, { id }]),
      ...Array.from({ length: 6 }, (): [string, Record<string, unknown>] => [CUSTOMERS_360, { text: "C0001", first: 20 }]),
      ...Array.from({ length: 10 }, (_, i): [string, Record<string, unknown>] => [PRICE, { c: i % 2 === 0 ? "C000001" : "C000002" }]),
    ];
    // Most requests as one caller (so they can share); every third from another channel (so they must not).
    const send = async (url: string, proxy: DelayProxy) => {
      const before = proxy.received;
      const answers = await Promise.all(mix.map(([query, variables], i) => post(url, query, variables, i % 3 === 2 ? "STORE" : "WEB")));
      return { answers, bookingsRequests: proxy.received - before };
    };
    const { answers: shared, bookingsRequests: sharedRequests } = await send(stack.gatewayUrl, bookings);
    const { answers: alone, bookingsRequests: aloneRequests } = await send(unsharedUrl, unsharedBookings);
    process.stdout.write(`requests to bookings for ${mix.length} client requests: ${sharedRequests} shared, ${aloneRequests} not\n`);
    expect(sharedRequests).toBeLessThan(aloneRequests);
    for (const answer of [...shared, ...alone]) expect(answer.errors).toBeUndefined();
    expect(shared.map((a) => a.data)).toEqual(alone.map((a) => a.data));
    // Not vacuous: the list has customers, each with nested fields from every unit.
    const page = shared[mix.findIndex(([query]) => query === CUSTOMERS_360)].data.searchCustomers;
    expect(page.length).toBeGreaterThan(1);
    expect(page[0]).toMatchObject({ balance: expect.any(Object), loyalty: expect.anything(), consent: expect.any(Object) });
    expect(new Set(mix.map((_, i) => JSON.stringify(shared[i].data))).size).toBeGreaterThan(5);
  });

  it("a read sent as soon as a write returns sees it, though identical reads sent before the write are in flight", async () => {
    const id = "C000031";
    const read = () => post(stack.gatewayUrl, PREFERENCES, { id });
    const preferencesOf = (answer: Answer): string[] => {
      expect(answer.errors).toBeUndefined();
      return answer.data.customer.preferences.map((p: { preference: string }) => p.preference);
    };
    // Bookings reads its silo at once but its answers to queries reach the gateway late: reads sent
    // before the write are still in flight, read before it, when the read after the write is sent.
    bookings.holdsAnswer = (body) => !body.startsWith('{"query":"mutation');
    bookings.answerDelayMs = 150;
    const stale: number[] = [];
    try {
      for (let i = 0; i < 20; i += 1) {
        const preference = `sharing race ${i}`;
        const before = Array.from({ length: 8 }, read);
        const write = await post(stack.gatewayUrl, PREFER, { c: id, p: preference });
        expect(write.errors).toBeUndefined();
        const after = await read();
        if (!preferencesOf(after).includes(preference)) stale.push(i);
        for (const answer of await Promise.all(before)) preferencesOf(answer);
      }
    } finally {
      bookings.answerDelayMs = 0;
    }
    expect(stale).toEqual([]);
  });
});
