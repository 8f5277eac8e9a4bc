import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { admissionOf } from "../../test/support/admission";
import { loadGatewayConfig } from "../config";
import { createAuthenticator } from "./auth";
import { channel } from "./channel";
import { identity } from "./identity";
import { PersistedOperations, persistedOperations, sha256 } from "./persisted";
import { RateLimiter, rateLimit } from "./rate-limit";
import { windowOf } from "./shared-rate-limit";
import { PassedDocuments, tokenLimit } from "./token-limit";
import { mintToken } from "./token";

/** Each admission step alone. */
describe("admission steps", () => {
  it("channel: a value of the served Channel enum, or no header; anything else is a 400 listing the values", async () => {
    const step = channel(() => new Set(["WEB", "STORE"]));
    expect(await step(admissionOf({ headers: { "x-channel": "WEB" } }))).toBeUndefined();
    expect(await step(admissionOf())).toBeUndefined();
    expect(await step(admissionOf({ headers: { "x-channel": "FAX" } }))).toEqual({ status: 400, code: "BAD_REQUEST", message: `x-channel must be one of WEB, STORE; got "FAX"` });
    // A schema without the enum checks nothing.
    expect(await channel(() => null)(admissionOf({ headers: { "x-channel": "FAX" } }))).toBeUndefined();
  });

  it("identity: a verified token sets the caller, none is anonymous, a bad one is a 401 saying why", async () => {
    const config = loadGatewayConfig({});
    const step = identity(createAuthenticator(config));
    const signedIn = admissionOf({ headers: { authorization: `Bearer ${await mintToken(config, { role: "partner", sub: "p1" })}` } });
    expect(await step(signedIn)).toBeUndefined();
    expect(signedIn.identity).toEqual({ role: "partner", subject: "p1" });
    const anonymous = admissionOf();
    expect(await step(anonymous)).toBeUndefined();
    expect(anonymous.identity).toBeNull();
    expect(await step(admissionOf({ headers: { authorization: "Basic x" } }))).toMatchObject({ status: 401, code: "UNAUTHENTICATED", message: expect.stringMatching(/must be `Bearer <token>`/), headers: { "www-authenticate": expect.any(String) } });
  });

  it("rate limit: per signed-in caller, or per address when anonymous; a 429 naming the limit, with Retry-After", async () => {
    const step = rateLimit(new RateLimiter(60, 1, () => 0), 60);
    const caller = (subject: string | null, remoteAddress = "192.0.2.1") => ({ ...admissionOf({ remoteAddress }), identity: subject ? { role: "agent" as const, subject } : null });
    expect(await step(caller("a1"))).toBeUndefined();
    expect(await step(caller("a1", "192.0.2.99"))).toEqual({ status: 429, code: "RATE_LIMITED", message: "rate limit: more than 60 requests a minute from this caller; retry in 1 s", headers: { "retry-after": "1" } });
    expect(await step(caller("a2"))).toBeUndefined();
    expect(await step(caller(null))).toBeUndefined();
    expect(await step(caller(null))).toMatchObject({ status: 429 });
  });

  it("rate limit: a budget that cannot be read (its shared store down, failing closed) is a 503 RATE_LIMIT_UNAVAILABLE, with Retry-After", async () => {
    const step = rateLimit({ take: async () => "unavailable" as const }, 60);
    expect(await step({ ...admissionOf(), identity: { role: "agent", subject: "a1" } })).toMatchObject({ status: 503, code: "RATE_LIMIT_UNAVAILABLE", headers: { "retry-after": "1" } });
  });

  it("rate limit in Redis: a window holding one burst, at the per-minute rate", () => {
    expect(windowOf(1200, 200)).toEqual({ points: 200, duration: 10 });
    expect(windowOf(60, 5)).toEqual({ points: 5, duration: 5 });
    // A burst earned in less than a second: one-second windows at the rate.
    expect(windowOf(6000, 10)).toEqual({ points: 100, duration: 1 });
    expect(windowOf(1, 6)).toEqual({ points: 6, duration: 360 });
  });

  it("token limit: counts POST and GET documents, refuses past the limit in plain words, leaves syntax errors to Apollo", async () => {
    const step = tokenLimit(10);
    expect(await step(admissionOf({ body: { query: "{ a b c }" } }))).toBeUndefined();
    const long = `{ ${"a ".repeat(20)}}`;
    expect(await step(admissionOf({ body: { query: long } }))).toEqual({ status: 400, code: "MAX_TOKENS_EXCEEDED", message: "the document is too long: it has more than 10 tokens (names, values and punctuation), the most this gateway accepts" });
    expect(await step(admissionOf({ search: `?query=${encodeURIComponent(long)}` }))).toMatchObject({ code: "MAX_TOKENS_EXCEEDED" });
    expect(await step(admissionOf({ body: { query: "{ a " } }))).toBeUndefined();
    expect(await step(admissionOf({ body: {} }))).toBeUndefined();
  });

  it("token limit: a document that passed passes again without a count, a refused one is refused every time", async () => {
    const step = tokenLimit(10);
    const short = "{ a b c }";
    const long = `{ ${"a ".repeat(20)}}`;
    for (let i = 0; i < 3; i++) {
      expect(await step(admissionOf({ body: { query: short } }))).toBeUndefined();
      expect(await step(admissionOf({ body: { query: long } }))).toMatchObject({ status: 400, code: "MAX_TOKENS_EXCEEDED" });
      expect(await step(admissionOf({ search: `?query=${encodeURIComponent(long)}` }))).toMatchObject({ code: "MAX_TOKENS_EXCEEDED" });
    }
    // The limit is per step: a stricter one counts the same text afresh.
    expect(await tokenLimit(3)(admissionOf({ body: { query: short } }))).toMatchObject({ code: "MAX_TOKENS_EXCEEDED" });
  });

  it("token limit: the documents remembered are bounded in count and characters, the oldest dropped first", () => {
    const passed = new PassedDocuments(3, 20);
    for (const text of ["{ a }", "{ b }", "{ c }", "{ d }"]) passed.add(text);
    expect([passed.has("{ a }"), passed.has("{ b }"), passed.has("{ d }"), passed.size]).toEqual([false, true, true, 3]);
    passed.add("{ eeeeeeeeeeeee }");
    expect([passed.has("{ c }"), passed.has("{ d }"), passed.has("{ eeeeeeeeeeeee }"), passed.size]).toEqual([false, false, true, 1]);
    passed.add("x".repeat(21));
    expect(passed.has("x".repeat(21))).toBe(false);
  });

  describe("persisted operations", () => {
    const dir = mkdtempSync(join(tmpdir(), "cg-persisted-"));
    const document = '{ product(sku: "SKU-0001") { sku } }';
    const manifest = join(dir, "operations.json");
    writeFileSync(manifest, JSON.stringify({ [sha256(document)]: document }));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const step = persistedOperations(new PersistedOperations(manifest));
    const byHash = { persistedQuery: { version: 1, sha256Hash: sha256(document) } };

    it("runs listed documents, sent whole or by hash, and refuses the rest", async () => {
      expect(await step(admissionOf({ body: { query: document } }))).toBeUndefined();
      const post = admissionOf({ body: { extensions: byHash } });
      expect(await step(post)).toBeUndefined();
      expect((post.info.body as { query: string }).query).toBe(document);
      expect(await step(admissionOf({ body: { query: "{ other }" } }))).toMatchObject({ status: 400, code: "PERSISTED_QUERY_NOT_ALLOWED" });
    });

    it("fills in a GET by hash alone where Apollo reads it, and refuses extensions that are not JSON", async () => {
      const get = admissionOf({ search: `?extensions=${encodeURIComponent(JSON.stringify(byHash))}` });
      expect(await step(get)).toBeUndefined();
      expect(get.info.url.searchParams.get("query")).toBe(document);
      expect(await step(admissionOf({ search: "?extensions=%7Bnope" }))).toEqual({ status: 400, code: "PERSISTED_QUERY_NOT_ALLOWED", message: "the extensions parameter is not JSON" });
    });
  });
});
