import { ApolloClient, InMemoryCache, gql } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { type EmbeddedBroker, startEmbeddedBroker } from "../../kit/events/embedded-broker";
import { readManifest } from "../../scripts/manifest";
import { type Stack, startStack } from "../support/stack";

/*
 * The issue's story on the real units: the call centre's screen follows a
 * customer (Apollo Client over graphql-ws, through the gateway, to
 * promotions' customerChanged); the till redeems an offer; the write's
 * outbox event reaches the broker and promotions, and the gateway completes
 * the event from every unit: the new redemption is there, the single-use
 * voucher is gone from the offers. The same for care's writes: a complaint
 * and its resolution reach the agent's and the customer's screens.
 *
 * The units share a broker of this suite's own (the embedded one `npm start`
 * runs), so no other stack's events on the machine's NATS reach these
 * subscribers and the events seen can be counted.
 */

let stack: Stack;
let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker(0);
  const brokerUrls = Object.fromEntries(readManifest().map(({ name }) => [`${name.toUpperCase()}_BROKER_URL`, broker.url]));
  stack = await startStack({ env: brokerUrls, gatewayEnv: { GATEWAY_SUBSCRIPTION_HEARTBEAT_MS: "1000" } });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await broker?.close();
}, 30_000);

async function until(assertion: () => void | Promise<void>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function upstreams(): Promise<number> {
  const text = await (await fetch(stack.gatewayUrl.replace(/\/graphql$/, "/metrics"))).text();
  return Number(/^gateway_subscription_upstreams_open (\S+)/m.exec(text)?.[1] ?? 0);
}

// Apollo Client's graphql-ws link reads the global WebSocket (browsers have it, Node 22 too) when it
// reports a failed connection; on Node 20 that report would be a ReferenceError instead of the close.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const wsClient = (authorization: string | null, channel: string) =>
  createClient({
    url: stack.gatewayUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { ...(authorization ? { authorization } : {}), "x-channel": channel },
    // A connection that ends otherwise than by the client is what a failure here would hinge on: say how it ended.
    on: {
      error: (err) => console.warn(`live-units: the WebSocket to the gateway failed: ${String(err instanceof Error ? err.message : ((err as { message?: unknown }).message ?? err))}`),
      closed: (event) => {
        const { code, reason } = event as { code?: number; reason?: unknown };
        if (code !== 1000) console.warn(`live-units: the gateway closed a WebSocket with ${code} ${String(reason ?? "")}`);
      },
    },
  });

test("a redemption at the till reaches the call centre's open screen with a fresh answer from every unit", async () => {
  const client = new ApolloClient({ link: new GraphQLWsLink(wsClient(`Bearer ${await stack.token("agent")}`, "CALL_CENTER")), cache: new InMemoryCache() });
  const seen: any[] = [];
  const subscription = client
    .subscribe({
      query: gql`
        subscription Follow($id: ID!) {
          customerChanged(id: $id) {
            at
            unit
            kind
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
              loyalty {
                tier
              }
            }
          }
        }
      `,
      variables: { id: "C000002" },
    })
    .subscribe({ next: (r) => void seen.push(r) });
  await until(async () => expect(await upstreams()).toBeGreaterThan(0));

  const redeemed = await stack.query(`mutation { redeemOffer(customerId: "C000002", code: "SILVER-20", idempotencyKey: "live-units-1") { offer { code } } }`, {}, { "x-channel": "STORE" });
  expect(redeemed.errors).toBeUndefined();

  await until(() => expect(seen.map((r) => r.data?.customerChanged?.kind)).toContain("offer-redeemed"));
  const change = seen.find((r) => r.data?.customerChanged?.kind === "offer-redeemed").data.customerChanged;
  expect(change.unit).toBe("promotions");
  expect(change.customer.name).toBe("Tom Becker");
  expect(change.customer.loyalty.tier).toBe("SILVER");
  expect(change.customer.redemptions).toEqual(expect.arrayContaining([expect.objectContaining({ offer: expect.objectContaining({ code: "SILVER-20" }), channel: "STORE" })]));
  expect(change.customer.offers.map((o: any) => o.code)).not.toContain("SILVER-20");
  subscription.unsubscribe();
  client.stop();
  await until(async () => expect(await upstreams()).toBe(0));
});

test("a partner is refused at the gateway, a customer following someone else by the unit, both with FORBIDDEN", async () => {
  const refusedBy = async (authorization: string, channel: string, id: string) => {
    const errors = await new Promise<any[]>((resolve) => {
      const client = wsClient(authorization, channel);
      client.subscribe({ query: `subscription { customerChanged(id: "${id}") { kind } }` }, { next: (r) => r.errors && resolve(r.errors as any[]), error: (e) => resolve(e as any[]), complete: () => undefined });
    });
    return errors.map((e) => e.extensions?.code);
  };
  expect(await refusedBy(`Bearer ${await stack.token("partner", "travel-co")}`, "PARTNER", "C000001")).toEqual(["FORBIDDEN"]);
  expect(await refusedBy(`Bearer ${await stack.token("customer", "C000003")}`, "MOBILE", "C000001")).toContain("FORBIDDEN");
});

test("a complaint logged in care and its resolution reach the agent's and the customer's open screens, salesContact read afresh each time", async () => {
  const SALES_BLOCKED = { allowed: false, reasons: ["1 open care case: settle it before selling"] };
  const follow = (client: ReturnType<typeof wsClient>, query: string) => {
    const seen: any[] = [];
    const stop = client.subscribe({ query, variables: { id: "C000002" } }, { next: (r) => void seen.push(r), error: (e) => void seen.push({ errors: e }), complete: () => undefined });
    return { seen, stop, care: () => seen.filter((r) => r.errors || r.data?.customerChanged?.unit === "care") };
  };
  const agent = follow(wsClient(`Bearer ${await stack.token("agent")}`, "CALL_CENTER"), `subscription($id: ID!) { customerChanged(id: $id) { unit kind customer { openCaseCount salesContact { allowed reasons } cases(status: OPEN) { id } } } }`);
  const tom = follow(wsClient(`Bearer ${await stack.token("customer", "C000002")}`, "MOBILE"), `subscription($id: ID!) { customerChanged(id: $id) { unit kind customer { cases(first: 1) { id status } } } }`);
  await until(async () => expect(await upstreams()).toBeGreaterThanOrEqual(2));
  expect((await stack.query(`{ customer(id: "C000002") { salesContact { allowed } } }`, {}, { "x-channel": "CALL_CENTER" })).data.customer.salesContact.allowed).toBe(true);

  const complaint = `mutation { logContact(customerId: "C000002", channel: CALL_CENTER, direction: INBOUND, kind: "complaint", summary: "The invoice lists a minibar I never used", idempotencyKey: "live-units-care-1") { id } }`;
  const logged = await stack.query(complaint, {}, { "x-channel": "CALL_CENTER" });
  expect(logged.errors).toBeUndefined();
  const caseId = logged.data.logContact.id;
  await until(() => expect(agent.care()).toHaveLength(1));
  expect(agent.care()[0]).toEqual({ data: { customerChanged: { unit: "care", kind: "contact-logged", customer: { openCaseCount: 1, salesContact: SALES_BLOCKED, cases: [{ id: caseId }] } } } });
  await until(() => expect(tom.care()).toEqual([{ data: { customerChanged: { unit: "care", kind: "contact-logged", customer: { cases: [{ id: caseId, status: "OPEN" }] } } } }]));
  // A retry writes nothing, so it announces nothing (the resolution's event, next, would come after one).
  expect((await stack.query(complaint, {}, { "x-channel": "STORE" })).data.logContact.id).toBe(caseId);

  const resolved = await stack.query(`mutation { resolveCase(caseId: "${caseId}", resolution: "Minibar charge refunded", idempotencyKey: "live-units-care-2") { status } }`, {}, { "x-channel": "CALL_CENTER" });
  expect(resolved.errors).toBeUndefined();
  await until(() => expect(agent.care()).toHaveLength(2));
  expect(agent.care()[1]).toEqual({ data: { customerChanged: { unit: "care", kind: "case-resolved", customer: { openCaseCount: 0, salesContact: { allowed: true, reasons: [] }, cases: [] } } } });
  await until(() => expect(tom.care().map((r) => r.data.customerChanged.customer.cases[0].status)).toEqual(["OPEN", "RESOLVED"]));
  agent.stop();
  tom.stop();
  await until(async () => expect(await upstreams()).toBe(0));
});
