import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { Defer20220824Handler } from "@apollo/client/incremental";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { type EventsFixture, startEventsFixture, supergraphWithEvents } from "../../bench/events-unit";
import { type Stack, startStack } from "../support/stack";

/*
 * Live and incremental, as a front-end team uses them: Apollo Client over
 * graphql-ws subscribed to customerChanged from the call centre while the
 * store redeems an offer; SSE and multipart HTTP subscriptions; @defer
 * through Apollo Client's HttpLink. The unit owning the subscription is the
 * tests' events unit (bench/events-unit.ts), composed with the four real
 * units; each event it sends is completed by the gateway from the others.
 */

const FOLLOW = gql`
  subscription Follow($id: ID!) {
    customerChanged(id: $id) {
      kind
      unit
      customer {
        id
        name
        offers {
          code
        }
        redemptions {
          offer {
            code
          }
          channel
        }
      }
    }
  }
`;

/** Retries an assertion until it holds (or the time is up, failing with its last error). */
async function eventually(assertion: () => void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      assertion();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

let stack: Stack;
let events: EventsFixture;
let dir: string;
let wsUrl: string;

beforeAll(async () => {
  events = await startEventsFixture();
  dir = mkdtempSync(join(tmpdir(), "live-"));
  const path = join(dir, "supergraph.graphql");
  writeFileSync(path, supergraphWithEvents(events.url));
  stack = await startStack({ gatewayEnv: { SUPERGRAPH_PATH: path, SUBGRAPH_EVENTS_URL: events.url, GATEWAY_SUBSCRIPTION_HEARTBEAT_MS: "1000" } });
  wsUrl = stack.gatewayUrl.replace(/^http/, "ws");
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await events?.close();
  rmSync(dir, { recursive: true, force: true });
});

function wsClient(authorization: string | null, channel = "CALL_CENTER") {
  return createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { ...(authorization ? { authorization } : {}), "x-channel": channel } });
}

/** Collects a subscription's results until `count` arrived or it ended. */
function collect(client: ReturnType<typeof createClient>, query: string, variables: Record<string, unknown>) {
  const results: any[] = [];
  let ended: unknown = null;
  const stop = client.subscribe({ query, variables }, { next: (r) => void results.push(r), error: (e) => (ended = e ?? "error"), complete: () => (ended = ended ?? "complete") });
  return { results, ended: () => ended, stop };
}

test("Apollo Client over graphql-ws: a redemption at the till reaches the call centre's open screen, completed by every unit", async () => {
  const authorization = `Bearer ${await stack.token("agent")}`;
  const wsLink = new GraphQLWsLink(wsClient(authorization));
  const client = new ApolloClient({ link: wsLink, cache: new InMemoryCache() });
  const seen: any[] = [];
  const subscription = client.subscribe({ query: FOLLOW, variables: { id: "C000002" } }).subscribe({ next: (r) => void seen.push(r) });
  await eventually(() => expect(events.open()).toBe(1));

  const redeemed = await stack.query(`mutation { redeemOffer(customerId: "C000002", code: "SILVER-20", idempotencyKey: "live-e2e-1") { offer { code } } }`, {}, { "x-channel": "STORE" });
  expect(redeemed.errors).toBeUndefined();
  events.emit("C000002", "OFFER_REDEEMED");

  await eventually(() => expect(seen).toHaveLength(1));
  const change = seen[0].data.customerChanged;
  expect(change.kind).toBe("OFFER_REDEEMED");
  expect(change.customer.name).toBe("Tom Becker");
  expect(change.customer.redemptions).toEqual(expect.arrayContaining([expect.objectContaining({ offer: expect.objectContaining({ code: "SILVER-20" }), channel: "STORE" })]));
  expect(change.customer.offers.map((o: any) => o.code)).not.toContain("SILVER-20");
  subscription.unsubscribe();
  await eventually(() => expect(events.open()).toBe(0));
  client.stop();
});

test("subscribers of one stream share one upstream subscription; another identity gets its own", async () => {
  const agent = wsClient(`Bearer ${await stack.token("agent")}`);
  const query = `subscription { customerChanged(id: "C000001") { kind customer { name } } }`;
  const a = collect(agent, query, {});
  const b = collect(agent, `subscription { customerChanged(id: "C000001") { kind customer { loyalty { tier } } } }`, {});
  const c = collect(wsClient(`Bearer ${await stack.token("agent")}`), query, {});
  await eventually(() => expect(events.open()).toBe(1));
  const customer = collect(wsClient(`Bearer ${await stack.token("customer", "C000001")}`, "MOBILE"), query, {});
  await eventually(() => expect(events.open()).toBe(2));
  events.emit("C000001", "STAY_COMPLETED");
  await eventually(() => expect([a, b, c, customer].map((s) => s.results.length)).toEqual([1, 1, 1, 1]));
  expect(a.results[0]).toEqual(c.results[0]);
  expect(customer.results[0].data.customerChanged.customer.name).toBe("Maria Schmidt");
  expect(b.results[0].data.customerChanged.customer.loyalty.tier).toBe("GOLD");
  for (const s of [a, b, c, customer]) s.stop();
  await eventually(() => expect(events.open()).toBe(0));
});

test("partners and anonymous callers are refused at subscribe time with FORBIDDEN", async () => {
  for (const authorization of [`Bearer ${await stack.token("partner", "travel-co")}`, null]) {
    const s = collect(wsClient(authorization, "PARTNER"), `subscription { customerChanged(id: "C000001") { kind } }`, {});
    await eventually(() => expect(s.ended()).not.toBeNull());
    expect((s.ended() as any[])[0].extensions.code).toBe("FORBIDDEN");
  }
  expect(events.open()).toBe(0);
});

test("a token that expires ends the subscription with TOKEN_EXPIRED", async () => {
  const { mintToken } = await import("../../gateway/admission/token");
  const { loadGatewayConfig } = await import("../../gateway/config");
  const token = await mintToken(loadGatewayConfig({}), { role: "agent", sub: "short-lived", expiresAt: Math.floor(Date.now() / 1000) + 2 });
  const s = collect(wsClient(`Bearer ${token}`), `subscription { customerChanged(id: "C000003") { kind } }`, {});
  await eventually(() => expect(s.ended()).toBe("complete"), 15_000);
  expect(s.results.at(-1).errors[0].extensions.code).toBe("TOKEN_EXPIRED");
  await eventually(() => expect(events.open()).toBe(0));
});

test("Server-Sent Events (graphql-sse's distinct connections) deliver the event", async () => {
  const controller = new AbortController();
  const res = await fetch(stack.gatewayUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${await stack.token("agent")}` },
    body: JSON.stringify({ query: `subscription { customerChanged(id: "C000004") { kind customer { name } } }` }),
    signal: controller.signal,
  });
  expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
  await eventually(() => expect(events.open()).toBe(1));
  events.emit("C000004", "BOOKING_CREATED");
  const reader = res.body!.getReader();
  let text = "";
  while (!text.includes("event: next")) text += new TextDecoder().decode((await reader.read()).value);
  while (!/data: .*\n\n/.test(text.slice(text.indexOf("event: next")))) text += new TextDecoder().decode((await reader.read()).value);
  const data = JSON.parse(/event: next\ndata: (.*)\n/.exec(text)![1]);
  expect(data.data.customerChanged).toEqual({ kind: "BOOKING_CREATED", customer: { name: "Jonas Weber" } });
  controller.abort();
  await eventually(() => expect(events.open()).toBe(0));
});

test("Apollo Client's HttpLink: a multipart subscription, and @defer delivered incrementally", async () => {
  const authorization = `Bearer ${await stack.token("agent")}`;
  const client = new ApolloClient({ link: new HttpLink({ uri: stack.gatewayUrl, headers: { authorization, "x-channel": "WEB" } }), cache: new InMemoryCache(), incrementalHandler: new Defer20220824Handler() });
  const seen: any[] = [];
  const subscription = client.subscribe({ query: FOLLOW, variables: { id: "C000003" } }).subscribe({ next: (r) => void seen.push(r) });
  await eventually(() => expect(events.open()).toBe(1));
  events.emit("C000003", "CONSENT_CHANGED");
  await eventually(() => expect(seen).toHaveLength(1));
  expect(seen[0].data.customerChanged.customer.name).toBe("Aisha Khan");
  subscription.unsubscribe();

  const DEFERRED = gql`
    query Deferred {
      customer(id: "C000001") {
        id
        name
        ... @defer(label: "slow") {
          timeline(first: 3) {
            at
            unit
          }
          offers {
            code
          }
        }
      }
    }
  `;
  const states: any[] = [];
  await new Promise<void>((resolve, reject) => {
    const watch = client.watchQuery({ query: DEFERRED, fetchPolicy: "no-cache" }).subscribe({
      next: (r) => {
        states.push(r);
        if (r.dataState === "complete") {
          watch.unsubscribe();
          resolve();
        }
      },
      error: reject,
    });
  });
  const streaming = states.find((s) => s.dataState === "streaming");
  expect(streaming.data.customer.name).toBe("Maria Schmidt");
  expect(streaming.data.customer.timeline).toBeUndefined();
  const complete = states.at(-1).data.customer;
  expect(complete.timeline).toHaveLength(3);
  expect(complete.offers.length).toBeGreaterThan(0);
  client.stop();
});

test("@defer on the wire: the multipart incremental format, and the whole answer at once without the accept header", async () => {
  const query = `{ customer(id: "C000001") { name ... @defer(label: "slow") { offers { code } } ... @defer { stayCount } } }`;
  const multipart = await stack.post({ query }, { accept: "multipart/mixed; deferSpec=20220824, application/json" });
  expect(multipart.headers.get("content-type")).toMatch(/multipart\/mixed.*deferSpec=20220824/);
  const parts = String(multipart.body)
    .split("\r\n---")
    .map((p) => p.slice(p.indexOf("{")))
    .filter((p) => p.startsWith("{"))
    .map((p) => JSON.parse(p));
  expect(parts[0]).toEqual(expect.objectContaining({ data: { customer: { name: "Maria Schmidt" } }, hasNext: true }));
  const items = parts.slice(1).flatMap((p) => p.incremental ?? []);
  expect(items).toEqual(expect.arrayContaining([expect.objectContaining({ path: ["customer"], label: "slow", data: { offers: expect.any(Array) } }), { path: ["customer"], data: { stayCount: 5 } }]));
  expect(parts.at(-1).hasNext).toBe(false);
  expect(String(multipart.body).endsWith("\r\n-----\r\n")).toBe(true);

  const whole = await stack.post({ query });
  expect(whole.body.data.customer).toEqual({ name: "Maria Schmidt", offers: expect.any(Array), stayCount: 5 });
});
