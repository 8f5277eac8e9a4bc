import { type IncomingHttpHeaders, request } from "node:http";
import { type Identity, IDENTITY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, type UnitServer, encodeIdentity, signature, touchPointsField } from "../../kit/subgraph";
import type { RunningServer } from "../../kit/http";
import { DEV_SIGNING_SECRET } from "../../kit/identity";
import { type EmbeddedBroker, startEmbeddedBroker } from "../../kit/events/embedded-broker";
import { eventually } from "../support/eventually";
import { countsAdded, requestCounts } from "../support/request-counts";
import { tempSiloDir } from "../support/silo";
import { TIMELINE_UNITS } from "../../subgraphs/promotions/customer/customer.type";
import { type PromotionsContext, unit } from "../../subgraphs/promotions/unit";

/**
 * The units' lean path (kit/subgraph/lean-path.ts) answers what Apollo
 * Server answers, byte for byte. The same unit (promotions: reads, entity
 * fetches, partial answers, refusals, a mutation) is started twice over one
 * silo, once as it runs and once with every request through Apollo Server
 * (a test-only injection), and each request below goes to both: status,
 * headers (but the date), body bytes, and the request metrics' outcome must
 * be the same. Provenance's two timestamps differ between any two requests:
 * they are compared by shape. Each case also says which path it takes, so a
 * lean path that declined everything would fail here.
 */
const NOW = Date.parse("2026-11-26T12:00:00Z");
const AGENT: Identity = { role: "agent", subject: "agent-7" };
const TOM: Identity = { role: "customer", subject: "C000002", customerId: "C000002" };

interface Sent {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Case {
  name: string;
  /** The body as sent: an object is JSON-encoded, a string goes as it is. */
  body: unknown;
  identity?: Identity | null;
  headers?: Record<string, string>;
  method?: string;
  path?: string;
  /** Which path the unit takes: its lean path, Apollo Server, or neither (the HTTP front answers). */
  via: "lean" | "apollo" | "front";
  /** What the answer must show, so that each case is the case it says. */
  expect?: RegExp;
  status?: number;
}

/** A customer as the gateway hands it over when every unit answered. */
function customerRep(id: string, extra: Record<string, unknown> = {}) {
  const touchPoints = Object.fromEntries(TIMELINE_UNITS.map((u) => [touchPointsField(u), "[]"]));
  return { __typename: "Customer", id, stayCount: 0, loyaltyStanding: { tier: null }, ...touchPoints, ...extra };
}

const ENTITIES = `query Entities($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id offers { code } consent { email } timeline(first: 3) { at unit kind } } } }`;
const TIMELINE = `query Timeline($r: [_Any!]!, $first: Int) { _entities(representations: $r) { ... on Customer { timeline(first: $first) { unit ref } timelineMissingUnits } } }`;
const QUOTE = `query Quote($r: [_Any!]!) { _entities(representations: $r) { ... on Quote { id total { amount } } } }`;
const CONSENT = `mutation Consent($id: ID!) { setMarketingConsent(customerId: $id, email: true) { email } }`;

const CASES: Case[] = [
  { name: "an entity fetch", body: { query: ENTITIES, variables: { r: [customerRep("C000001"), customerRep("C000003")] } }, via: "lean", expect: /"offers":\[/ },
  { name: "a root field", body: { query: `{ publicOffers { code title } }` }, via: "lean", expect: /"publicOffers":\[\{/ },
  { name: "an anonymous caller refused", body: { query: `{ publicOffers { code title } }` }, identity: null, via: "lean", expect: /"UNAUTHENTICATED"/ },
  { name: "me, for a customer", body: { query: `query Me { me { id } }`, operationName: "Me" }, identity: TOM, via: "lean", expect: /"C000002"/ },
  { name: "a partial answer (a unit's touch points missing)", body: { query: TIMELINE, variables: { r: [customerRep("C000001", { bookingsTouchPoints: null })] } }, via: "lean", expect: /"UNAVAILABLE".*"bookings"/ },
  { name: "BAD_USER_INPUT from a resolver", body: { query: TIMELINE, variables: { r: [customerRep("C000001")], first: 100000 } }, via: "lean", expect: /"BAD_USER_INPUT"/ },
  { name: "an authorization refusal", body: { query: ENTITIES, variables: { r: [customerRep("C000001")] } }, identity: TOM, via: "lean", expect: /"FORBIDDEN"/ },
  { name: "a partial answer (a unit's touch points unreadable)", body: { query: TIMELINE, variables: { r: [customerRep("C000001", { [touchPointsField("billing")]: '[["7"]]' })] } }, via: "lean", expect: /"UNAVAILABLE".*"billing"/ },
  {
    name: "a masked internal error",
    body: { query: QUOTE, variables: { r: [{ __typename: "Quote", id: "C000001|SKU-0002*2", basket: [{ sku: "SKU-0002", quantity: 2, category: "Home", listPrice: null }] }] } },
    via: "lean",
    expect: /internal error in the promotions subgraph/,
  },
  { name: "provenance, asked for", body: { query: `{ publicOffers { code } }` }, headers: { "x-provenance": "1" }, via: "lean", expect: /"provenance":\{"unit":"promotions"/ },
  { name: "two operations, one named", body: { query: `query A { publicOffers { code } } query B { me { id } }`, operationName: "B", variables: null, extensions: {} }, identity: TOM, via: "lean", expect: /"me"/ },
  { name: "accept: */*", body: { query: `{ __typename }` }, headers: { accept: "*/*" }, via: "lean", expect: /"Query"/ },
  { name: "accept: application/json", body: { query: `{ __typename }` }, headers: { accept: "application/json" }, via: "lean", expect: /"Query"/ },
  { name: "a mutation", body: { query: CONSENT, variables: { id: "C000001" } }, headers: { "x-channel": "WEB" }, via: "lean", expect: /"setMarketingConsent":\{"email":true\}/ },
  { name: "a mutation refused by its resolver (no channel)", body: { query: CONSENT, variables: { id: "C000001" } }, via: "lean", expect: /"BAD_USER_INPUT"/ },
  { name: "an unknown field", body: { query: `{ publicOffers { nope } }` }, via: "apollo", expect: /GRAPHQL_VALIDATION_FAILED/, status: 400 },
  { name: "a document that does not parse", body: { query: `{ publicOffers { ` }, via: "apollo", expect: /GRAPHQL_PARSE_FAILED/, status: 400 },
  { name: "variables of the wrong type", body: { query: TIMELINE, variables: { r: [customerRep("C000001")], first: "many" } }, via: "apollo", expect: /BAD_USER_INPUT/, status: 400 },
  { name: "a required variable missing", body: { query: TIMELINE, variables: { first: 3 } }, via: "apollo", expect: /BAD_USER_INPUT/, status: 400 },
  { name: "a mutation whose variables do not coerce", body: { query: CONSENT, variables: { id: { not: "an id" } } }, headers: { "x-channel": "WEB" }, via: "apollo", expect: /BAD_USER_INPUT/, status: 400 },
  { name: "an unknown operation name", body: { query: `query A { __typename }`, operationName: "B" }, via: "apollo", expect: /Unknown operation named/, status: 400 },
  { name: "two operations, none named", body: { query: `query A { __typename } query B { __typename }` }, via: "apollo", expect: /Must provide operation name/, status: 400 },
  { name: "introspection", body: { query: `{ __schema { queryType { name } } }` }, via: "apollo", expect: /"__schema"|INTROSPECTION|introspection/ },
  { name: "an empty query", body: { query: "" }, via: "apollo", status: 400 },
  { name: "a persisted query", body: { query: `{ __typename }`, extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }, via: "apollo", status: 400 },
  { name: "variables as a string", body: { query: `{ __typename }`, variables: "{}" }, via: "apollo", status: 400 },
  { name: "a subscription over plain HTTP", body: { query: `subscription { customerChanged(id: "C000001") { at } }` }, via: "apollo" },
  { name: "a batch", body: [{ query: `{ __typename }` }], via: "apollo" },
  { name: "accept: application/graphql-response+json", body: { query: `{ __typename }` }, headers: { accept: "application/graphql-response+json" }, via: "apollo", expect: /"Query"/ },
  { name: "another JSON content type", body: { query: `{ __typename }` }, headers: { "content-type": "application/json; charset=utf-8" }, via: "apollo", expect: /"Query"/ },
  { name: "a GET", body: "", method: "GET", path: "/graphql?query=%7B__typename%7D", headers: { "apollo-require-preflight": "1" }, via: "apollo", expect: /"Query"/ },
  { name: "malformed JSON", body: `{"query": `, via: "front", expect: /malformed JSON body/, status: 400 },
];

describe("the units' lean path answers as Apollo Server does", () => {
  const silo = tempSiloDir();
  let broker: EmbeddedBroker;
  let units: UnitServer<PromotionsContext>[];
  let lean: RunningServer;
  let apollo: RunningServer;
  /** Graph reads, one for every setMarketingConsent that ran. */
  let graphReads = 0;

  beforeAll(async () => {
    broker = await startEmbeddedBroker(0);
    const config = unit.loadConfig({ PROMOTIONS_DB_URL: silo.url("promotions"), PROMOTIONS_BROKER_URL: broker.url, PROMOTIONS_LOG_LEVEL: "silent" });
    const graph = {
      read: async <T>(_query: string, variables: Record<string, unknown>) => {
        graphReads += 1;
        return { customer: { id: variables.id } } as T;
      },
    };
    // Two servers of the same unit over one silo: the second migrates nothing, the demo data is the first's.
    units = [await unit.create(config, { graph, clock: () => NOW }), await unit.create(config, { graph, clock: () => NOW })];
    lean = await units[0].subgraph.listen(0);
    apollo = await units[1].subgraph.listen(0, undefined, { apolloOnly: true });
  });
  afterAll(async () => {
    await lean?.close(0);
    await apollo?.close(0);
    for (const u of units ?? []) await u.db.destroy();
    await broker?.close();
    silo.cleanup();
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const leanCalls = jest.spyOn(units[0].subgraph.apollo, "executeHTTPGraphQLRequest");
    try {
      const [leanBefore, apolloBefore] = [await requestCounts(lean.url), await requestCounts(apollo.url)];
      const reads = graphReads;
      const viaLean = await send(lean, c);
      const leanReads = graphReads - reads;
      const viaApollo = await send(apollo, c);
      const apolloReads = graphReads - reads - leanReads;

      expect(leanCalls).toHaveBeenCalledTimes(c.via === "apollo" ? 1 : 0);
      if (c.expect) expect(viaApollo.body).toMatch(c.expect);
      if (c.status) expect(viaApollo.status).toBe(c.status);
      expect(comparable(viaLean)).toEqual(comparable(viaApollo));
      // Mutations run exactly once on either path.
      expect(leanReads).toBe(apolloReads);
      if (viaApollo.body.includes(`"setMarketingConsent":{`)) expect(leanReads).toBe(1);
      // The request metrics say the same: operation and outcome (counted once the response has closed).
      const counted = (server: RunningServer, before: Map<string, number>) =>
        eventually(
          "the request counted",
          async () => countsAdded(await requestCounts(server.url), before),
          (d) => Object.values(d).reduce((a, b) => a + b, 0) === 1,
        );
      expect(await counted(lean, leanBefore)).toEqual(await counted(apollo, apolloBefore));
    } finally {
      leanCalls.mockRestore();
    }
  });

  it("keeps parsed documents: the second request of a query text still answers the same", async () => {
    const c: Case = { name: "again", body: { query: ENTITIES, variables: { r: [customerRep("C000002")] } }, identity: AGENT, via: "lean" };
    const first = await send(lean, c);
    const second = await send(lean, c);
    expect(comparable(second)).toEqual(comparable(first));
    expect(comparable(second)).toEqual(comparable(await send(apollo, c)));
  });
});

/** The answer as compared: provenance's timestamps checked for shape and order, then replaced; the date header dropped. */
function comparable(sent: Sent): { status: number; headers: Record<string, unknown>; body: string } {
  const body = sent.body.replace(/"readAt":"([^"]+)","answeredAt":"([^"]+)"/g, (_all, readAt: string, answeredAt: string) => {
    expect(readAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(answeredAt >= readAt).toBe(true);
    return `"readAt":"<time>","answeredAt":"<time>"`;
  });
  const { date: _date, ...headers } = sent.headers;
  return { status: sent.status, headers, body };
}

/** Sends a case as the gateway's transport would: no `accept` unless the case sets one, signed for its identity. */
function send(server: RunningServer, c: Case): Promise<Sent> {
  const payload = typeof c.body === "string" ? c.body : JSON.stringify(c.body);
  const identityHeader = encodeIdentity(c.identity === undefined ? AGENT : c.identity);
  const timestamp = String(Date.now());
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-request-id": "lean-path-test",
    [IDENTITY_HEADER]: identityHeader,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: signature(DEV_SIGNING_SECRET, identityHeader, timestamp, payload),
    ...c.headers,
  };
  const url = new URL(c.path ?? "/graphql", server.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: c.method ?? "POST", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(c.method === "GET" ? undefined : payload);
  });
}
