import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { type Identity, IDENTITY_HEADER, Outbox, SIGNATURE_HEADER, type UnitServer, TIMESTAMP_HEADER, encodeIdentity, signature } from "../../kit/subgraph";
import type { RunningServer } from "../../kit/http";
import { DEV_SIGNING_SECRET } from "../../kit/identity";
import { type EmbeddedBroker, startEmbeddedBroker } from "../../kit/events/embedded-broker";
import { tempSiloDir } from "../../test/support/silo";
import { RedemptionRepository } from "./redemption/redemption.repository";
import { type PromotionsContext, unit } from "./unit";
import { promotionsOutbox } from "./silo/outbox";
import { Channel } from "../../kit/channel";

/**
 * `customerChanged` as the gateway meets it: a graphql-ws client that signs
 * its subscribe message in connection_init, against promotions listening on
 * a real socket, with the relay publishing to a broker in between.
 */
const QUERY = `subscription($id: ID!) { customerChanged(id: $id) { at unit kind customer { id } } }`;
const AGENT: Identity = { role: "agent", subject: "agent-7" };

function signedHeaders(identity: Identity | null, body: { query: string; variables?: Record<string, unknown> }) {
  const identityHeader = encodeIdentity(identity);
  const timestamp = String(Date.now());
  return { [IDENTITY_HEADER]: identityHeader, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature(DEV_SIGNING_SECRET, identityHeader, timestamp, JSON.stringify(body)), "x-channel": "CALL_CENTER" };
}

type Outcome = { next: unknown[]; error?: unknown; complete?: boolean };

describe("Subscription.customerChanged over graphql-transport-ws", () => {
  const silo = tempSiloDir();
  let broker: EmbeddedBroker;
  let promotions: UnitServer<PromotionsContext>;
  let running: RunningServer;
  const clients: Client[] = [];

  beforeAll(async () => {
    broker = await startEmbeddedBroker(0);
    promotions = await unit.create(unit.loadConfig({ PROMOTIONS_DB_URL: silo.url("promotions"), PROMOTIONS_BROKER_URL: broker.url, PROMOTIONS_OUTBOX_POLL_MS: "20", PROMOTIONS_LOG_LEVEL: "error" }));
    running = await promotions.subgraph.listen(0);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await running.close(0);
    await promotions.db.destroy();
    await broker.close();
    silo.cleanup();
  });

  const client = (headers: Record<string, string> | undefined, onClosed?: (event: unknown) => void) => {
    const c = createClient({ url: running.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: headers ? { headers } : undefined, retryAttempts: 0, lazy: true, on: onClosed ? { closed: onClosed } : undefined });
    clients.push(c);
    return c;
  };

  /** Subscribes and collects until `until` says stop (or the server ends it). */
  const subscribe = (c: Client, payload: { query: string; variables: Record<string, unknown> }, until: (o: Outcome) => boolean) =>
    new Promise<Outcome>((resolve) => {
      const outcome: Outcome = { next: [] };
      let unsubscribe = () => undefined as void;
      unsubscribe = c.subscribe(payload, {
        next: (value) => {
          outcome.next.push(value);
          if (until(outcome)) {
            unsubscribe();
            resolve(outcome);
          }
        },
        error: (error) => resolve({ ...outcome, error }),
        complete: () => resolve({ ...outcome, complete: true }),
      });
    });

  const redeem = (customerId: string, offerCode: string) =>
    new RedemptionRepository(promotions.db, new Outbox("promotions", promotionsOutbox, promotions.db)).record({ customerId, offerCode, channel: Channel.STORE, at: Date.now(), idempotencyKey: null, singleUse: false, needsEmailConsent: false });

  it("delivers a redemption to an agent subscribed through the gateway's signature, with unit and kind", async () => {
    const payload = { query: QUERY, variables: { id: "C000002" } };
    const c = client(signedHeaders(AGENT, payload));
    const received = subscribe(c, payload, (o) => o.next.length === 1);
    // Subscribed once the server has acknowledged and the broker subscription is in place; then write until it arrives.
    let outcome: Outcome | undefined;
    received.then((o) => (outcome = o));
    for (let i = 0; i < 50 && !outcome; i += 1) {
      if (i % 10 === 0) await redeem("C000002", "SILVER-20");
      await new Promise((r) => setTimeout(r, 100));
    }
    const o = await received;
    expect(o.error).toBeUndefined();
    expect(o.next[0]).toEqual({ data: { customerChanged: { at: expect.stringMatching(/Z$/), unit: "promotions", kind: "offer-redeemed", customer: { id: "C000002" } } } });
  });

  it("refuses a connection that is not signed by the gateway (4403)", async () => {
    let closed: { code?: number } | undefined;
    const c = client(undefined, (event) => (closed = event as { code?: number }));
    const o = await subscribe(c, { query: QUERY, variables: { id: "C000002" } }, () => true);
    expect(o.next).toEqual([]);
    expect(closed?.code).toBe(4403);
  });

  it("refuses a subscribe message other than the one signed", async () => {
    const c = client(signedHeaders(AGENT, { query: QUERY, variables: { id: "C000002" } }));
    const o = await subscribe(c, { query: QUERY, variables: { id: "C000001" } }, () => true);
    expect(o.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "UNAUTHENTICATED" }) })]);
  });

  it.each([
    ["a customer following another customer", { role: "customer", subject: "C000001", customerId: "C000001" } as Identity],
    ["a partner", { role: "partner", subject: "travel-co" } as Identity],
    ["an anonymous caller", null],
  ])("refuses %s with FORBIDDEN at subscribe time", async (_who, identity) => {
    const payload = { query: QUERY, variables: { id: "C000002" } };
    const o = await subscribe(client(signedHeaders(identity, payload)), payload, () => true);
    const errors = (o.next[0] as { errors?: unknown[] } | undefined)?.errors ?? o.error;
    expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "FORBIDDEN", unit: "promotions" }) })]);
  });
});
