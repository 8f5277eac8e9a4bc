import { ApolloClient, InMemoryCache, gql } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { type Stack, startStack } from "../support/stack";

/*
 * The issue's story on the real units: the call centre's screen follows a
 * customer (Apollo Client over graphql-ws, through the gateway, to
 * promotions' customerChanged); the till redeems an offer; the write's
 * outbox event reaches the broker and promotions, and the gateway completes
 * the event from every unit: the new redemption is there, the single-use
 * voucher is gone from the offers.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ gatewayEnv: { GATEWAY_SUBSCRIPTION_HEARTBEAT_MS: "1000" } });
}, 120_000);
afterAll(() => stack?.stop(), 30_000);

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

const wsClient = (authorization: string | null, channel: string) =>
  createClient({ url: stack.gatewayUrl.replace(/^http/, "ws"), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { ...(authorization ? { authorization } : {}), "x-channel": channel } });

test("a redemption at the till reaches the call centre's open screen with a fresh answer from every unit", async () => {
  const client = new ApolloClient({ link: new GraphQLWsLink(wsClient(`Bearer ${await stack.token("agent")}`, "CALL_CENTER")), cache: new InMemoryCache() });
  const seen: any[] = [];
  const subscription = client
    .subscribe({
      query: gql`
        subscription Follow($id: ID!) {
          customerChanged(id: $id) { at unit kind customer { id name offers { code } redemptions { offer { code } channel } loyalty { tier } } }
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
