import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import type { Knex } from "knex";
import { loadGatewayConfig } from "../../gateway/config";
import { DELIVERED, FederationGateway } from "../../gateway/federation-gateway";
import { type Gateway, createGateway } from "../../gateway/server";
import { mintToken } from "../../gateway/admission/token";
import type { RunningServer } from "../../kit";
import { loadUnit, readManifest } from "../../scripts/manifest";
import { eventually } from "../support/eventually";
import { countsAdded, requestCounts } from "../support/request-counts";
import { tempSiloDir } from "../support/silo";

/**
 * The gateway's fast path (gateway/http/fast-path.ts) answers what Apollo
 * Server answers, byte for byte. Two gateways over the same four units,
 * one with the fast path and one without (GATEWAY_FAST_PATH=false); each
 * case goes to both twice: the first time both go through Apollo (a text
 * not seen yet), the second time the first gateway takes the case's path.
 * Status, headers (in order, but the date), body bytes and the request
 * metrics must be the same. Provenance's timestamps and explain's timings
 * differ between any two runs: they are compared by shape. Each case says
 * which path it takes, so a fast path that declined everything would fail.
 */
interface Sent {
  status: number;
  rawHeaders: string[];
  body: string;
}

interface Case {
  name: string;
  /** The body as sent: an object is JSON-encoded, a string goes as it is. */
  body?: unknown;
  /** The caller: a role's token, none, or a token that does not verify. */
  as?: "agent" | "customer" | "partner" | "anonymous" | "forged";
  headers?: Record<string, string>;
  method?: "GET" | "POST";
  /** GET parameters. */
  params?: Record<string, string>;
  /** Send the ETag of the first answer back as If-None-Match. */
  revalidate?: boolean;
  /** Which path the second request takes on the gateway with the fast path. */
  via: "fast" | "apollo" | "front";
  expect?: RegExp;
  status?: number;
}

const TRIVIAL = `query Trivial($id: ID!) { customer(id: $id) { id name email } }`;
const CATALOGUE = `query Catalogue($category: String, $first: Int) { products(category: $category, first: $first) { totalCount items { sku name listPrice { amount currency } } } }`;
const PRICED = `query Priced($sku: ID!, $customer: ID) { product(sku: $sku) { sku name price(customerId: $customer) { final { amount } appliedOffer { code } } } }`;
const THREE_SIXTY = `query View($id: ID!) { customer(id: $id) { id name balance { amount currency } bookings(first: 2) { id nights } orders(first: 2) { id total { amount } } offers { code } } }`;
const CONSENT = `mutation Consent($id: ID!, $sms: Boolean) { setMarketingConsent(customerId: $id, sms: $sms) { sms } }`;
const EXPENSIVE = `{ searchCustomers(text: "a", first: 500) { orders(first: 100) { lines { product { name } } } invoices(first: 100) { lines { description } } } }`;

const CASES: Case[] = [
  { name: "a query with variables", body: { query: TRIVIAL, variables: { id: "C000005" } }, via: "fast", expect: /"C000005"/ },
  { name: "a query on every unit", body: { query: THREE_SIXTY, variables: { id: "C000007" } }, via: "fast", expect: /"offers":/ },
  { name: "a product priced for a customer (@requires)", body: { query: PRICED, variables: { sku: "SKU-0003", customer: "C000009" } }, via: "fast", expect: /"final":/ },
  { name: "an anonymous caller's catalogue page (public, ETag)", body: { query: CATALOGUE, variables: { first: 3 } }, as: "anonymous", via: "fast", expect: /"items":/ },
  { name: "a partner's catalogue page", body: { query: CATALOGUE, variables: { first: 2 } }, as: "partner", via: "fast" },
  { name: "a GET of the catalogue", method: "GET", params: { query: CATALOGUE, variables: JSON.stringify({ first: 2 }) }, as: "anonymous", headers: { "apollo-require-preflight": "1" }, via: "fast", expect: /"items":/ },
  { name: "a GET revalidated (304)", method: "GET", params: { query: CATALOGUE, variables: JSON.stringify({ first: 4 }) }, as: "anonymous", headers: { "apollo-require-preflight": "1" }, revalidate: true, via: "fast", status: 304 },
  { name: "a POST revalidated with a stale tag", body: { query: CATALOGUE, variables: { first: 3 } }, as: "anonymous", headers: { "if-none-match": '"stale"' }, via: "fast", status: 200 },
  { name: "a customer asking for another customer (errors from a unit)", body: { query: THREE_SIXTY, variables: { id: "C000002" } }, as: "customer", via: "fast", expect: /FORBIDDEN/ },
  { name: "cost asked for (x-cost: 1)", body: { query: TRIVIAL, variables: { id: "C000011" } }, headers: { "x-cost": "1" }, via: "fast", expect: /"cost":\{"estimated"/ },
  { name: "explain asked for (x-explain: 1)", body: { query: TRIVIAL, variables: { id: "C000013" } }, headers: { "x-explain": "1" }, via: "fast", expect: /"explain":/ },
  { name: "over the cost budget", body: { query: EXPENSIVE }, as: "partner", via: "fast", expect: /MAX_COST_EXCEEDED/, status: 400 },
  { name: "two operations, one named", body: { query: `query A { publicOffers { code } } query B { product(sku: "SKU-0001") { name } }`, operationName: "B" }, via: "fast", expect: /"product"/ },
  { name: "extensions and null fields", body: { query: TRIVIAL, variables: { id: "C000015" }, operationName: null, extensions: { client: "x" } }, via: "fast" },
  { name: "a mutation", body: { query: CONSENT, variables: { id: "C000017", sms: true } }, headers: { "x-channel": "WEB" }, via: "fast", expect: /"sms":true/ },
  { name: "accept: application/graphql-response+json", body: { query: TRIVIAL, variables: { id: "C000019" } }, headers: { accept: "application/graphql-response+json" }, via: "fast" },
  { name: "accept: */*", body: { query: TRIVIAL, variables: { id: "C000019" } }, headers: { accept: "*/*" }, via: "fast" },
  { name: "an allowed CORS origin", body: { query: TRIVIAL, variables: { id: "C000021" } }, headers: { origin: "https://app.example" }, via: "fast" },
  { name: "a content type with a charset", body: { query: TRIVIAL, variables: { id: "C000021" } }, headers: { "content-type": "application/json; charset=utf-8" }, via: "fast" },
  { name: "variables of the wrong type", body: { query: TRIVIAL, variables: { id: { no: 1 } } }, via: "apollo", expect: /BAD_USER_INPUT/, status: 400 },
  { name: "a required variable missing", body: { query: TRIVIAL }, via: "apollo", expect: /BAD_USER_INPUT/, status: 400 },
  { name: "a mutation whose variables do not coerce", body: { query: CONSENT, variables: { id: "C000017", sms: "yes" } }, headers: { "x-channel": "WEB" }, via: "apollo", status: 400 },
  { name: "an unknown operation name", body: { query: TRIVIAL, variables: { id: "C000005" }, operationName: "Nope" }, via: "apollo", expect: /OPERATION_RESOLUTION_FAILURE|Unknown operation/, status: 400 },
  { name: "an unknown field (validation, suggestions hidden)", body: { query: `{ customer(id: "C000005") { nam } }` }, via: "apollo", expect: /GRAPHQL_VALIDATION_FAILED/, status: 400 },
  { name: "a document that does not parse", body: { query: `{ customer(` }, via: "apollo", expect: /GRAPHQL_PARSE_FAILED/, status: 400 },
  { name: "introspection", body: { query: `{ __schema { queryType { name } } }` }, via: "apollo", expect: /"Query"/ },
  { name: "@defer without a multipart accept", body: { query: `query D { product(sku: "SKU-0001") { sku ... @defer { name } } }` }, via: "apollo" },
  { name: "a subscription over plain POST", body: { query: `subscription { customerChanged(id: "C000001") { at } }` }, via: "apollo", expect: /BAD_REQUEST/ },
  {
    name: "a mutation over GET",
    method: "GET",
    params: { query: CONSENT, variables: JSON.stringify({ id: "C000017" }) },
    headers: { "apollo-require-preflight": "1" },
    via: "apollo",
    expect: /GET requests only support query operations/,
    status: 400,
  },
  { name: "a GET without a CSRF header", method: "GET", params: { query: CATALOGUE }, as: "anonymous", via: "apollo", status: 400 },
  { name: "a GET with a repeated parameter", method: "GET", params: { query: CATALOGUE, operationName: "Catalogue&operationName=Catalogue" }, headers: { "apollo-require-preflight": "1" }, via: "apollo", status: 400 },
  { name: "an automatic persisted query", body: { query: TRIVIAL, variables: { id: "C000005" }, extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }, via: "apollo", status: 400 },
  { name: "a batch", body: [{ query: TRIVIAL, variables: { id: "C000005" } }], via: "apollo", status: 400 },
  { name: "variables as a string", body: { query: TRIVIAL, variables: "{}" }, via: "apollo", status: 400 },
  { name: "accept: text/plain", body: { query: TRIVIAL, variables: { id: "C000005" } }, headers: { accept: "text/plain" }, via: "apollo", status: 406 },
  { name: "a token that does not verify", body: { query: TRIVIAL, variables: { id: "C000005" } }, as: "forged", via: "front", expect: /UNAUTHENTICATED/, status: 401 },
  { name: "an unknown channel", body: { query: TRIVIAL, variables: { id: "C000005" } }, headers: { "x-channel": "FAX" }, via: "front", status: 400 },
  { name: "malformed JSON", body: `{"query": `, via: "front", expect: /malformed JSON body/, status: 400 },
];

/** The units' own reads of the graph to check a write (`…Check`, sent to the gateway without the fast path): not what the cases send. */
const UNITS_CHECKS = /operation="\w+Check"/;

describe("the gateway's fast path answers as Apollo Server does", () => {
  const silo = tempSiloDir();
  const servers: RunningServer[] = [];
  const dbs: Knex[] = [];
  let fast: Gateway;
  let fastUrl: string;
  let apolloUrl: string;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    const env: Record<string, string> = { GATEWAY_PORT: "0", GATEWAY_LOG_LEVEL: "silent", GATEWAY_CORS_ORIGINS: "https://app.example", GATEWAY_FIELD_SUGGESTIONS: "off" };
    // Units check writes by reading the graph: through the gateway without the fast path, on a port chosen now.
    const graphPort = await freePort();
    for (const { name } of readManifest()) {
      const unit = loadUnit(name);
      const key = name.toUpperCase();
      const { subgraph, db } = await unit.create(unit.loadConfig({ [`${key}_DB_URL`]: silo.url(name), [`${key}_PORT`]: "0", [`${key}_LOG_LEVEL`]: "silent", [`${key}_GRAPH_URL`]: `http://127.0.0.1:${graphPort}/graphql` }));
      servers.push(await subgraph.listen(0));
      dbs.push(db);
      env[`SUBGRAPH_${key}_URL`] = servers[servers.length - 1].url;
    }
    const config = loadGatewayConfig(env);
    fast = await createGateway(config);
    const withFast = await fast.listen();
    const without = await (await createGateway(loadGatewayConfig({ ...env, GATEWAY_PORT: String(graphPort), GATEWAY_FAST_PATH: "false" }))).listen();
    servers.push(withFast, without);
    fastUrl = withFast.url;
    apolloUrl = without.url;
    tokens.set("agent", `Bearer ${await mintToken(config, { role: "agent", sub: "fast-path-test" })}`);
    tokens.set("customer", `Bearer ${await mintToken(config, { role: "customer", sub: "C000001" })}`);
    tokens.set("partner", `Bearer ${await mintToken(config, { role: "partner", sub: "partner-test" })}`);
    tokens.set("forged", `${tokens.get("agent")!.slice(0, -3)}xyz`);
  });
  afterAll(async () => {
    for (const s of servers.reverse()) await s.close(0);
    for (const db of dbs) await db.destroy();
    silo.cleanup();
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const [fastBefore, apolloBefore] = [await requestCounts(fastUrl), await requestCounts(apolloUrl)];
    // First: a text neither gateway has seen goes through Apollo on both.
    const firstFast = await send(fastUrl, c, tokens);
    const firstApollo = await send(apolloUrl, c, tokens);
    expect(comparable(firstFast)).toEqual(comparable(firstApollo));
    const etag = header(firstApollo, "etag");
    const again: Case = c.revalidate ? { ...c, headers: { ...c.headers, "if-none-match": etag ?? "none" } } : c;
    const viaApollo = jest.spyOn(fast.apollo, "executeHTTPGraphQLRequest");
    try {
      const secondFast = await send(fastUrl, again, tokens);
      expect(viaApollo).toHaveBeenCalledTimes(c.via === "apollo" ? 1 : 0);
      const secondApollo = await send(apolloUrl, again, tokens);
      if (c.expect) expect(secondApollo.body).toMatch(c.expect);
      if (c.status) expect(secondApollo.status).toBe(c.status);
      expect(comparable(secondFast)).toEqual(comparable(secondApollo));
    } finally {
      viaApollo.mockRestore();
    }
    // The request metrics say the same: operation and outcome (counted once each response has closed).
    const counted = (url: string, before: Map<string, number>) =>
      eventually(
        "the requests counted",
        async () => countsAdded(await requestCounts(url), before, UNITS_CHECKS),
        (d) => Object.values(d).reduce((a, b) => a + b, 0) === 2,
      );
    expect(await counted(fastUrl, fastBefore)).toEqual(await counted(apolloUrl, apolloBefore));
  });

  it("writes the answer the gateway hands to `deliver`, and the gateway does not also return it", async () => {
    const delivered: unknown[] = [];
    const returned: unknown[] = [];
    const execute = FederationGateway.prototype.execute;
    const spy = jest.spyOn(FederationGateway.prototype, "execute").mockImplementation(function (this: FederationGateway, requestContext, coerced, deliver) {
      const answer = execute.call(this, requestContext, coerced, deliver && ((result) => (delivered.push(result), deliver(result))));
      void answer.then((result) => returned.push(result));
      return answer;
    });
    try {
      const c: Case = { name: "every unit", body: { query: THREE_SIXTY, variables: { id: "C000023" } }, via: "fast" };
      await send(fastUrl, c, tokens);
      const second = await send(fastUrl, c, tokens);
      expect(second.status).toBe(200);
      // The second request took the fast path (the first may have too, if the text was known): its result went to `deliver`, and the call resolved to DELIVERED.
      expect(delivered.length).toBeGreaterThanOrEqual(1);
      expect((JSON.parse(second.body) as { data: unknown }).data).toEqual((delivered.at(-1) as { data: unknown }).data);
      expect(returned.at(-1)).toBe(DELIVERED);
    } finally {
      spy.mockRestore();
    }
  });

  it("steps aside for a plugin of the embedder's own, which then sees every request", async () => {
    const seen: string[] = [];
    const config = loadGatewayConfig({ GATEWAY_PORT: "0", GATEWAY_LOG_LEVEL: "silent", SUPERGRAPH_WATCH: "false" });
    const gateway = await createGateway(config, undefined, {}, { plugins: [{ requestDidStart: async ({ request }) => void seen.push(request.query ?? "") }] });
    const running = await gateway.listen();
    try {
      const c: Case = { name: "twice", body: { query: `{ __typename }` }, as: "anonymous", headers: { "apollo-require-preflight": "1" }, via: "apollo" };
      const first = await send(running.url, c, tokens);
      const second = await send(running.url, c, tokens);
      expect(second.body).toBe(first.body);
      expect(seen).toEqual([`{ __typename }`, `{ __typename }`]);
    } finally {
      await running.close(0);
    }
  });
});

/** The answer as compared: timestamps and timings replaced (and then the length), the date header dropped, headers kept in order. */
function comparable(sent: Sent): { status: number; headers: string[][]; body: string } {
  const body = sent.body.replace(/"readAt":"[^"]+","answeredAt":"[^"]+"/g, `"readAt":"<time>","answeredAt":"<time>"`).replace(/"(ms|startedMs|durationMs|elapsedMs|at)":\d+(\.\d+)?/g, `"$1":<ms>`);
  const headers: string[][] = [];
  for (let i = 0; i < sent.rawHeaders.length; i += 2) {
    const [name, value] = [sent.rawHeaders[i], sent.rawHeaders[i + 1]];
    if (name.toLowerCase() === "date") continue;
    // The length follows the timings' digits: checked against the body here, compared as the body is.
    if (name.toLowerCase() === "content-length") expect(Number(value)).toBe(Buffer.byteLength(sent.body));
    headers.push([name, name.toLowerCase() === "content-length" && body !== sent.body ? "<length>" : value]);
  }
  return { status: sent.status, headers, body };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function header(sent: Sent, name: string): string | undefined {
  for (let i = 0; i < sent.rawHeaders.length; i += 2) if (sent.rawHeaders[i].toLowerCase() === name) return sent.rawHeaders[i + 1];
  return undefined;
}

function send(url: string, c: Case, tokens: Map<string, string>): Promise<Sent> {
  const method = c.method ?? "POST";
  const payload = method === "GET" ? undefined : typeof c.body === "string" ? c.body : JSON.stringify(c.body);
  const as = c.as ?? "agent";
  const headers: Record<string, string> = {
    ...(method === "POST" ? { "content-type": "application/json" } : {}),
    "x-request-id": "fast-path-test",
    ...(as !== "anonymous" ? { authorization: tokens.get(as)! } : {}),
    ...c.headers,
  };
  const target = new URL(url);
  if (c.params)
    target.search = Object.entries(c.params)
      .map(([k, v]) => `${k}=${k === "operationName" ? v : encodeURIComponent(v)}`)
      .join("&");
  return new Promise((resolve, reject) => {
    const req = request(target, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}
