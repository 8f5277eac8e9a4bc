import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadGatewayConfig } from "../../gateway/config";
import { sha256 } from "../../gateway/admission/persisted";
import { createGateway } from "../../gateway/server";
import type { RunningServer } from "../../kit/http";
import { drip } from "../support/drip";
import { type Stack, startStack } from "../support/stack";

const PRODUCT = `{ product(sku: "SKU-0001") { sku name } }`;

describe("a gateway that protects itself", () => {
  let stack: Stack;
  const extra: RunningServer[] = [];
  const dir = mkdtempSync(join(tmpdir(), "cg-protect-"));
  let corpus = 0;

  beforeAll(async () => {
    stack = await startStack({ env: { GATEWAY_LOG_LEVEL: "error" } });
  }, 120_000);
  afterAll(async () => {
    process.stdout.write(`bad-input corpus: ${corpus} requests\n`);
    for (const s of extra) await s.close(1000);
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Another gateway over the same subgraphs, with other settings. */
  async function gatewayWith(env: Record<string, string>): Promise<string> {
    const urls = Object.fromEntries([...stack.unitUrls].map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url]));
    const running = await (await createGateway(loadGatewayConfig({ GATEWAY_PORT: "0", GATEWAY_LOG_LEVEL: "silent", ...urls, ...env }))).listen();
    extra.push(running);
    return running.url;
  }

  const nested = (depth: number) => `{ customer(id: "C000001") { ${"invoices(first: 1) { customer { ".repeat(depth)} id ${"} } ".repeat(depth)} } }`;
  const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: product(sku: "SKU-0001") { sku }`).join(" ")} }`;

  const corpusCases: [string, () => Promise<{ status: number; body: any }>, number, RegExp][] = [
    ["malformed JSON", () => stack.post("{ nope"), 400, /malformed JSON/],
    ["wrong content type", () => fetchRaw({ "content-type": "text/plain" }, JSON.stringify({ query: PRODUCT })), 400, /preflight|content-type|CSRF/i],
    ["a 2 MB query", () => stack.post({ query: `{ product(sku: "SKU-0001") { sku } } #${"x".repeat(2_000_000)}` }), 413, /larger than the limit of 1000000 bytes/],
    ["depth 100", () => stack.post({ query: nested(50) }), 400, /"the operation is nested too deeply: \d+ levels where this gateway allows at most 12".*"MAX_DEPTH_EXCEEDED"/],
    ["10,000 aliases", () => stack.post({ query: aliases(10_000) }), 400, /"the document is too long: it has more than 5000 tokens.*"MAX_TOKENS_EXCEEDED"/],
    ["40 aliases", () => stack.post({ query: aliases(40) }), 400, /"the operation uses too many aliases: 40 where this gateway allows at most 30".*"MAX_ALIASES_EXCEEDED"/],
    ["60 directives", () => stack.post({ query: `{ product(sku: "SKU-0001") { sku ${"@include(if: true) ".repeat(60)} } }` }), 400, /"the operation uses too many directives: 60 where this gateway allows at most 50".*"MAX_DIRECTIVES_EXCEEDED"/],
    [
      "an operation costing far over the limit",
      () => stack.post({ query: `{ searchCustomers(text: "a", first: 1000) { orders(first: 1000) { lines { product { price(customerId: "C000001") { final { amount } } } } } } }` }),
      400,
      /"the operation would cost too much to run: its estimated cost is \d+ where the budget of an agent is 50000 \(.*"MAX_COST_EXCEEDED".*"estimatedCost":\d+,"budget":50000/,
    ],
    ["a fragment cycle", () => stack.post({ query: `{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }` }), 400, /Cannot spread fragment .{1,3}A.{1,3} within itself/],
    ["a batch of 1,000 operations", () => stack.post(Array.from({ length: 1000 }, () => ({ query: PRODUCT }))), 400, /batching/i],
    ["an unknown operation name", () => stack.post({ query: `query A { __typename }`, operationName: "B" }), 400, /Unknown operation named .{1,3}B/],
    ["variables of the wrong type", () => stack.post({ query: `query($n: Int!) { products(first: $n) { totalCount } }`, variables: { n: { $gt: 1 } } }), 400, /Int cannot represent/],
    ["no query at all", () => stack.post({ variables: {} }), 400, /query/i],
    [
      "variables 10,000 levels deep",
      () => stack.post(`{"query":"query($l: [QuoteLineInput!]!) { quote(lines: $l) { id } }","variables":{"l":${"[".repeat(10_000)}${"]".repeat(10_000)}}}`),
      400,
      /request JSON is nested deeper than 16 levels.*JSON_TOO_DEEP/,
    ],
    ["variables 1,000 levels deep in a GET", () => fetchGet(`query($l: [QuoteLineInput!]!) { quote(lines: $l) { id } }`, `{"l":${"[".repeat(1000)}${"]".repeat(1000)}}`), 400, /the variables parameter is nested deeper than 16 levels.*JSON_TOO_DEEP/],
    ["a 40 KB URL", () => fetchGet(PRODUCT, JSON.stringify({ pad: "x".repeat(40_000) })), 431, /headers are larger than the server accepts.*HEADERS_TOO_LARGE/],
    ["variables of 20,000 values", () => stack.post({ query: `query($l: [QuoteLineInput!]!) { quote(lines: $l) { id } }`, variables: { l: Array.from({ length: 20_000 }, () => 1) } }), 413, /holds more than 10000 values.*JSON_TOO_LARGE/],
  ];

  async function fetchGet(query: string, variables: string) {
    const res = await fetch(`${stack.gatewayUrl}?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(variables)}`, { headers: { "x-channel": "WEB" } });
    return { status: res.status, body: await res.json().catch(() => null) };
  }

  async function fetchRaw(headers: Record<string, string>, body: string) {
    const res = await fetch(stack.gatewayUrl, { method: "POST", headers, body });
    return { status: res.status, body: await res.json().catch(() => null) };
  }

  it.each(corpusCases)("refuses %s with a clear 4xx, then serves the next request", async (_name, send, status, message) => {
    const res = await send();
    corpus += 1;
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.body)).toMatch(message);
    const next = await stack.query(PRODUCT);
    expect(next.data.product.sku).toBe("SKU-0001");
  });

  it.each([
    ["a body", (body: string) => `POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`, JSON.stringify({ query: PRODUCT }), "BODY_TIMEOUT", /request body did not arrive within 1000 ms/],
    ["headers", () => "POST /graphql HTTP/1.1\r\n", "x-slow-header: a-long-value-sent-one-byte-at-a-time", "HEADERS_TIMEOUT", /request headers did not arrive within 1000 ms/],
  ])("cuts off %s dripped one byte every 250 ms with a 408 and a GraphQL error, and keeps serving", async (_what, head, dripped, code, message) => {
    const url = await gatewayWith({ GATEWAY_BODY_TIMEOUT_MS: "1000", GATEWAY_HEADERS_TIMEOUT_MS: "1000" });
    const answer = await drip(Number(new URL(url).port), head(dripped), dripped);
    corpus += 1;
    expect(answer.status).toBe(408);
    expect(answer.body.errors[0]).toMatchObject({ extensions: { code } });
    expect(answer.body.errors[0].message).toMatch(message);
    expect((await stack.query(PRODUCT)).data.product.sku).toBe("SKU-0001");
  });

  it("gives a non-agent the same refusal for customerByEmail whether or not the address is registered", async () => {
    const tom = { authorization: `Bearer ${await stack.token("customer", "C000002")}` };
    const ask = (email: string, headers: Record<string, string>) => stack.post({ query: `query($e: String!) { customerByEmail(email: $e) { id name } }`, variables: { e: email } }, headers);
    const strip = (res: { status: number; body: any }) => ({ status: res.status, data: res.body.data, errors: res.body.errors.map((e: { message: string; extensions: { code: string } }) => [e.message, e.extensions.code]) });
    const registered = strip(await ask("maria.schmidt@example.com", tom));
    const unknown = strip(await ask("no-such-person@example.com", tom));
    corpus += 2;
    expect(unknown).toEqual(registered);
    expect(registered.errors).toEqual([[expect.stringMatching(/only agents may look up customers by e-mail/), "FORBIDDEN"]]);
    const partner = { authorization: `Bearer ${await stack.token("partner", "travel-co")}` };
    expect(strip(await ask("no-such-person@example.com", partner))).toEqual(registered);
    expect((await ask("tom.becker@example.com", tom)).body.data.customerByEmail).toEqual({ id: "C000002", name: "Tom Becker" });
  });

  it("lets a normal 360° operation through every limit", async () => {
    const { CUSTOMER_360 } = await import("./queries");
    const res = await stack.query(CUSTOMER_360, { id: "C000001" });
    expect(res.errors).toBeUndefined();
  });

  it("turns introspection and field suggestions off in production", async () => {
    const url = await gatewayWith({ NODE_ENV: "production", GRAPH_SIGNING_SECRET: "prod-secret-for-test", GATEWAY_JWT_SECRET: "prod-jwt-secret-for-test" });
    const post = (query: string) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const introspection = await post(`{ __schema { types { name } } }`);
    expect(introspection.status).toBe(400);
    expect(JSON.stringify(introspection.body)).toMatch(/introspection is not allowed/i);
    const typo = await post(`{ product(sku: "SKU-0001") { nam } }`);
    expect(typo.status).toBe(400);
    expect(JSON.stringify(typo.body)).not.toMatch(/Did you mean/);
    // ... while development suggests the right name.
    const dev = await stack.post({ query: `{ product(sku: "SKU-0001") { nam } }` });
    expect(JSON.stringify(dev.body)).toMatch(/Did you mean .{1,3}name/);
  });

  it("refuses production start-up on development secrets", () => {
    expect(() => loadGatewayConfig({ NODE_ENV: "production" })).toThrow(/GRAPH_SIGNING_SECRET is the development default[\s\S]*GATEWAY_JWT_SECRET/);
  });

  it("answers 429 with Retry-After past a caller's budget, per caller", async () => {
    const url = await gatewayWith({ GATEWAY_RATE_LIMIT_PER_MINUTE: "60", GATEWAY_RATE_LIMIT_BURST: "5" });
    const agent = `Bearer ${await stack.token("agent", "busy-agent")}`;
    const send = (authorization: string) => fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization }, body: JSON.stringify({ query: PRODUCT }) });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await send(agent)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await send(agent);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(((await limited.json()) as any).errors[0].message).toMatch(/more than 60 requests a minute/);
    expect((await send(`Bearer ${await stack.token("agent", "calm-agent")}`)).status).toBe(200);
  });

  it("runs only allow-listed operations when persisted operations are on", async () => {
    const manifest = join(dir, "operations.json");
    writeFileSync(manifest, JSON.stringify({ [sha256(PRODUCT)]: PRODUCT }));
    const url = await gatewayWith({ GATEWAY_PERSISTED_OPERATIONS: manifest });
    const post = (body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    expect((await post({ query: PRODUCT })).body.data.product.sku).toBe("SKU-0001");
    expect((await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(PRODUCT) } } })).body.data.product.sku).toBe("SKU-0001");
    const other = await post({ query: `{ products(first: 1) { totalCount } }` });
    expect(other.status).toBe(400);
    expect(other.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_ALLOWED");
  });

  it("supports Automatic Persisted Queries when the allow-list is off", async () => {
    const query = `{ product(sku: "SKU-0003") { sku } }`;
    const ext = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    expect((await stack.post({ extensions: ext })).body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect((await stack.post({ query, extensions: ext })).body.data.product.sku).toBe("SKU-0003");
    expect((await stack.post({ extensions: ext })).body.data.product.sku).toBe("SKU-0003");
  });

  it("answers CORS preflights for allowed origins only", async () => {
    const url = await gatewayWith({ GATEWAY_CORS_ORIGINS: "https://shop.example.com, https://agents.example.com" });
    const preflight = (origin: string) => fetch(url, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, authorization" } });
    const allowed = await preflight("https://shop.example.com");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://shop.example.com");
    expect(allowed.headers.get("access-control-allow-headers")).toMatch(/authorization/);
    const other = await preflight("https://evil.example.net");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});
