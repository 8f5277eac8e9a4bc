import { type DelayProxy, startDelayProxy } from "../support/delay-proxy";
import { type Stack, startStack } from "../support/stack";

const PRODUCT = `{ product(sku: "SKU-0001") { name category } }`;

/** What the gateway is told: the client's language to every unit, a tenant to retail only, a static header, retail's version back. */
const RULES = {
  toUnits: [{ name: "accept-language" }, { name: "x-tenant", units: ["retail"] }, { name: "x-locale", as: "x-unit-locale", default: "en" }, { insert: "x-graph", value: "customer-graph" }],
  toClient: [{ name: "x-unit-version", units: ["retail"] }],
};

/**
 * GATEWAY_HEADER_RULES over the real graph: retail is reached through a
 * proxy that records every request's headers, as the unit gets them, and
 * adds headers to its answers as if retail had sent them (a version, a
 * header no rule names, two cookies).
 */
describe("header rules, end to end", () => {
  let stack: Stack;
  let retail: DelayProxy;
  let agent = "";

  beforeAll(async () => {
    retail = await startDelayProxy();
    stack = await startStack({ env: { GATEWAY_LOG_LEVEL: "error" }, gatewayEnv: { SUBGRAPH_RETAIL_URL: retail.url, GATEWAY_HEADER_RULES: JSON.stringify(RULES) } });
    retail.target = new URL(stack.unitUrls.get("retail")!).origin;
    retail.answerHeaders = { "x-unit-version": "retail-7", "x-internal-debug": "pod-3", "set-cookie": ["retail_seen=1; Path=/", "retail_ab=B; Path=/"] };
    agent = `Bearer ${await stack.token("agent")}`;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await retail?.close();
  });

  const ask = async (url: string, headers: Record<string, string>) => {
    const before = retail.requestHeaders.length;
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-channel": "WEB", ...headers }, body: JSON.stringify({ query: PRODUCT }) });
    const body = (await res.json()) as { data?: unknown; errors?: unknown };
    return { res, body, received: retail.requestHeaders.slice(before) };
  };

  it("sends the unit the headers the rules name, renamed, defaulted and inserted, and nothing else of the client's", async () => {
    const { body, received } = await ask(stack.gatewayUrl, { authorization: agent, "accept-language": "de-DE", "x-tenant": "t-42", cookie: "gateway_session=s3cr3t", "x-cg-identity": "forged", "x-unruled": "1" });
    expect({ data: body.data, errors: body.errors }).toEqual({ data: { product: { name: expect.any(String), category: expect.any(String) } }, errors: undefined });
    expect(received).toHaveLength(1);
    const got = received[0];
    expect({ language: got["accept-language"], tenant: got["x-tenant"], locale: got["x-unit-locale"], graph: got["x-graph"] }).toEqual({ language: "de-DE", tenant: "t-42", locale: "en", graph: "customer-graph" });
    // Never moved, whatever the rules say: the client's cookie, its made-up identity; nor what no rule names.
    expect({ cookie: got.cookie, unruled: got["x-unruled"], locale: got["x-locale"] }).toEqual({ cookie: undefined, unruled: undefined, locale: undefined });
    expect(got["x-cg-identity"]).not.toBe("forged");
    expect(got["x-request-id"]).toBeDefined();
  });

  it("lets back only the unit headers a rule names: no cookie, no unruled header; Vary names the propagated headers", async () => {
    const { res } = await ask(stack.gatewayUrl, { "accept-language": "fr" });
    expect(res.headers.get("x-unit-version")).toBe("retail-7");
    expect(res.headers.get("x-internal-debug")).toBeNull();
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get("vary")).toBe("Accept, Authorization, X-Explain, X-Cost, Accept-Language, X-Tenant, X-Locale");
    // A public catalogue answer, still cacheable with its Vary.
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
  });

  it("lets a unit's set-cookie through when a rule names it, every cookie on its own line, and then no cache keeps the answer", async () => {
    const url = await stack.startGateway("gateway-cookies", { GATEWAY_HEADER_RULES: JSON.stringify({ ...RULES, toClient: [...RULES.toClient, { name: "set-cookie", units: ["retail"] }] }) });
    const { res } = await ask(url, {});
    expect(res.headers.getSetCookie()).toEqual(["retail_seen=1; Path=/", "retail_ab=B; Path=/"]);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("etag")).toBeNull();
  }, 60_000);

  it("never sends one client's propagated header on another's request: one caller's waiting fetches in two languages", async () => {
    // Retail answers late, so the caller's two requests in flight (GATEWAY_BATCH_CONCURRENCY) keep its next fetches waiting to go out together.
    retail.answerDelayMs = 300;
    try {
      const before = retail.requestHeaders.length;
      // One after the other: sent in the same tick, the two would go out merged as one request.
      const reached = async (count: number) => {
        for (const began = Date.now(); retail.requestHeaders.length < before + count; await new Promise((r) => setTimeout(r, 5))) if (Date.now() - began > 5000) throw new Error(`retail never got request ${count}`);
      };
      const busy = [ask(stack.gatewayUrl, { authorization: agent, "accept-language": "de" })];
      await reached(1);
      busy.push(ask(stack.gatewayUrl, { authorization: agent, "accept-language": "de" }));
      await reached(2);
      const languages = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? "de" : "fr"));
      const answers = await Promise.all([...busy, ...languages.map((language) => ask(stack.gatewayUrl, { authorization: agent, "accept-language": language }))]);
      expect(answers.every(({ body }) => body.errors === undefined)).toBe(true);
      // Fetches that waited together may go out as one request, but only within one language: both reach the unit.
      const later = retail.requestHeaders.slice(before + 2).map((h) => h["accept-language"]);
      expect(new Set(later)).toEqual(new Set(["de", "fr"]));
    } finally {
      retail.answerDelayMs = 0;
    }
  });
});
