import type { Knex } from "knex";
import { createSilo } from "../../kit/subgraph/db";
import { SILO_KIND_NAME, type SiloKind } from "../support/silos";
import { type Stack, startStack } from "../support/stack";

const CHANNELS = ["WEB", "MOBILE", "STORE", "CALL_CENTER", "PARTNER"] as const;
const REDEEM = `mutation($c: ID!, $o: ID!, $k: String) { redeemOffer(customerId: $c, code: $o, idempotencyKey: $k) { offer { code } customer { id } channel redeemedAt } }`;
const PREFER = `mutation($c: ID!, $p: String!) { setStayPreference(customerId: $c, preference: $p) { id preference notedAt channel } }`;
const CONSENT = `mutation($c: ID!, $e: Boolean) { setMarketingConsent(customerId: $c, email: $e) { email sms push updatedVia } }`;

/**
 * Writes, end to end: one suite, run over every kind of silo (writes.test.ts:
 * SQLite files; writes.int.test.ts: PostgreSQL and MariaDB), since each
 * dialect enforces exactly-once with its own unique indexes and errors.
 */
export function writesContract(kind: SiloKind): void {
  describe(`writes every channel sees at once (over ${SILO_KIND_NAME[kind]})`, () => writesSuite(kind));
}

function writesSuite(kind: SiloKind): void {
  let stack: Stack;
  let promotions: Knex;
  let bookings: Knex;
  const as = (channel: string) => ({ "x-channel": channel });

  beforeAll(async () => {
    stack = await startStack({ kind, env: { GATEWAY_LOG_LEVEL: "error" } });
    promotions = createSilo(stack.siloUrls.get("promotions")!);
    bookings = createSilo(stack.siloUrls.get("bookings")!);
  }, 120_000);
  afterAll(async () => {
    await promotions?.destroy();
    await bookings?.destroy();
    await stack?.stop();
  });

  /** Rows of a query; a count is text on PostgreSQL and MariaDB (bigint), a number on SQLite. */
  const count = async (query: Knex.QueryBuilder) => Number((await query.count({ n: "*" }))[0].n);
  /** The rows a bad write must not have added to. */
  const rowCounts = async () => ({
    redemptions: await count(promotions("promo_redemption")),
    consentAudit: await count(promotions("promo_consent_audit")),
    preferences: await count(bookings("guest_pref")),
  });

  it("answers the same data to every channel (table-driven)", async () => {
    const queries = [
      [`{ customer(id: "C000001") { name balance { amount } stayCount loyalty { tier } offers { code } consent { email } timeline(first: 20) { at unit kind ref } } }`, {}],
      [`query($c: ID) { product(sku: "SKU-0010") { name listPrice { amount } price(customerId: $c) { final { amount } appliedOffer { code } } } }`, { c: "C000002" }],
      [`{ offer(code: "GOLD-BREAKFAST") { code title validUntil } publicOffers { code } }`, {}],
      [`{ quote(customerId: "C000001", lines: [{ sku: "SKU-0002", quantity: 2 }]) { total { amount } } }`, {}],
    ] as const;
    for (const [query, variables] of queries) {
      const answers = await Promise.all(CHANNELS.map((ch) => stack.query(query, variables, as(ch))));
      for (const a of answers) {
        expect(a.errors).toBeUndefined();
        expect(a.data).toEqual(answers[0].data);
      }
    }
  });

  it("a redemption in one channel: gone from every channel's offers on the next request", async () => {
    const offersOf = async (channel: string) => (await stack.query(`{ customer(id: "C000002") { offers { code } redemptions { offer { code } channel } } }`, {}, as(channel))).data.customer;
    for (const ch of CHANNELS) expect((await offersOf(ch)).offers.map((o: { code: string }) => o.code)).toContain("SILVER-20");
    const res = await stack.query(REDEEM, { c: "C000002", o: "SILVER-20", k: "story-1" }, as("STORE"));
    expect(res.errors).toBeUndefined();
    expect(res.data.redeemOffer).toMatchObject({ offer: { code: "SILVER-20" }, customer: { id: "C000002" }, channel: "STORE" });
    for (const ch of CHANNELS) {
      const seen = await offersOf(ch);
      expect(seen.offers.map((o: { code: string }) => o.code)).not.toContain("SILVER-20");
      expect(seen.redemptions[0]).toEqual({ offer: { code: "SILVER-20" }, channel: "STORE" });
    }
    const { data } = await stack.query(`{ customer(id: "C000002") { timeline(first: 1) { unit kind channel } } }`, {}, as("WEB"));
    expect(data.customer.timeline[0]).toEqual({ unit: "PROMOTIONS", kind: "redemption", channel: "STORE" });
  });

  it("a stay preference in one channel: remembered for every channel, on the timeline, idempotent", async () => {
    const first = await stack.query(PREFER, { c: "C000004", p: "  high   floor " }, as("MOBILE"));
    expect(first.errors).toBeUndefined();
    expect(first.data.setStayPreference).toMatchObject({ preference: "high floor", channel: "MOBILE" });
    const again = await stack.query(PREFER, { c: "C000004", p: "high floor" }, as("CALL_CENTER"));
    expect(again.data.setStayPreference).toEqual(first.data.setStayPreference);
    expect(await count(bookings("guest_pref").where({ guest_ref: "C000004", pref_text: "high floor" }))).toBe(1);
    for (const ch of CHANNELS) {
      const { data } = await stack.query(`{ customer(id: "C000004") { preferences { preference } timeline(first: 1) { kind ref } } }`, {}, as(ch));
      expect(data.customer.preferences.map((p: { preference: string }) => p.preference)).toContain("high floor");
      expect(data.customer.timeline[0]).toEqual({ kind: "preference", ref: first.data.setStayPreference.id });
    }
  });

  it("withdrawing consent: consent-only offers and prices disappear in every channel at once, audited", async () => {
    const view = `{ customer(id: "C000001") { consent { email updatedVia } offers { code } } product(sku: "SKU-0002") { price(customerId: "C000001") { appliedOffer { code } } } }`;
    expect((await stack.query(view, {}, as("WEB"))).data.customer.offers.map((o: { code: string }) => o.code)).toContain("NEWS10HOME");
    const res = await stack.query(CONSENT, { c: "C000001", e: false }, as("CALL_CENTER"));
    expect(res.errors).toBeUndefined();
    expect(res.data.setMarketingConsent).toMatchObject({ email: false, updatedVia: "CALL_CENTER" });
    for (const ch of CHANNELS) {
      const { data } = await stack.query(view, {}, as(ch));
      expect(data.customer.consent).toEqual({ email: false, updatedVia: "CALL_CENTER" });
      expect(data.customer.offers.map((o: { code: string }) => o.code)).not.toEqual(expect.arrayContaining(["NEWS10HOME"]));
      expect(data.product.price.appliedOffer).toBeNull();
    }
    const audit = await promotions("promo_consent_audit").where({ customer_id: "C000001" }).orderBy("audit_id", "desc").first();
    expect(audit).toMatchObject({ medium: "email", channel: "CALL_CENTER" });
    expect(Boolean(audit.granted)).toBe(false);
    // Redeeming a consent-only offer is refused now, and says why.
    const refused = await stack.query(REDEEM, { c: "C000001", o: "NEWS20KITCHEN", k: null }, as("WEB"));
    expect(refused.errors[0].extensions).toMatchObject({ code: "OFFER_NOT_ELIGIBLE", reasons: ["needs marketing e-mail consent"] });
    await stack.query(CONSENT, { c: "C000001", e: true }, as("WEB"));
  });

  /** Customers who may still redeem the single-use APP-FREE-DELIVERY, as the graph says. */
  const freeDeliveryCandidates = async (): Promise<string[]> => {
    const { data } = await stack.query(`{ searchCustomers(text: "@example.com", first: 60) { id offers { code } } }`);
    return data.searchCustomers.filter((c: { id: string; offers: { code: string }[] }) => c.id > "C000004" && c.offers.some((o) => o.code === "APP-FREE-DELIVERY")).map((c: { id: string }) => c.id);
  };

  it("50 concurrent redemptions of one single-use offer from 5 channels: exactly one succeeds", async () => {
    const [customer] = await freeDeliveryCandidates();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => stack.query(REDEEM, { c: customer, o: "APP-FREE-DELIVERY", k: `race-${i}` }, as(CHANNELS[i % 5]))));
    const ok = results.filter((r) => !r.errors);
    const codes = results.filter((r) => r.errors).map((r) => r.errors[0].extensions.code);
    process.stdout.write(`distinct keys: ${ok.length} succeeded, ${codes.length} refused (${[...new Set(codes)].join(", ")})\n`);
    expect(ok).toHaveLength(1);
    expect(new Set(codes)).toEqual(new Set(["CONFLICT"]));
    expect(await count(promotions("promo_redemption").where({ customer_id: customer, offer_code: "APP-FREE-DELIVERY" }))).toBe(1);
  });

  it("50 concurrent retries with one idempotency key: 50 identical answers, one row", async () => {
    const [customer] = await freeDeliveryCandidates();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => stack.query(REDEEM, { c: customer, o: "APP-FREE-DELIVERY", k: "retry-me" }, as(CHANNELS[i % 5]))));
    const distinct = new Set(results.map((r) => JSON.stringify(r.data)));
    const rows = await promotions("promo_redemption").where({ idempotency_key: "retry-me" });
    process.stdout.write(`one key: ${results.filter((r) => !r.errors).length} answers, ${distinct.size} distinct, ${rows.length} row(s)\n`);
    expect(results.every((r) => !r.errors)).toBe(true);
    expect(distinct.size).toBe(1);
    expect(rows).toHaveLength(1);
    // The same key with other arguments is refused, and writes nothing.
    const reuse = await stack.query(REDEEM, { c: customer, o: "BOOKS5", k: "retry-me" }, as("WEB"));
    expect(reuse.errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  describe("bad writes: a clear error with a stable code, and nothing written", () => {
    const cases: [string, string, Record<string, unknown>, Record<string, string>, string][] = [
      ["unknown offer code", REDEEM, { c: "C000001", o: "NO-SUCH-OFFER", k: "bad-1" }, as("WEB"), "NOT_FOUND"],
      ["offer not eligible (Gold perk for a Silver member)", REDEEM, { c: "C000002", o: "GOLD-BREAKFAST", k: "bad-2" }, as("WEB"), "OFFER_NOT_ELIGIBLE"],
      ["unknown customer (redeem)", REDEEM, { c: "C999999", o: "BOOKS5", k: "bad-3" }, as("WEB"), "NOT_FOUND"],
      ["unknown customer (preference)", PREFER, { c: "C999999", p: "sea view" }, as("WEB"), "NOT_FOUND"],
      ["unknown customer (consent)", CONSENT, { c: "C999999", e: true }, as("WEB"), "NOT_FOUND"],
      ["missing channel", PREFER, { c: "C000003", p: "sea view" }, {}, "BAD_USER_INPUT"],
      ["over-long preference", PREFER, { c: "C000003", p: "x".repeat(201) }, as("WEB"), "BAD_USER_INPUT"],
      ["consent without any medium", CONSENT, { c: "C000003" }, as("WEB"), "BAD_USER_INPUT"],
    ];
    it.each(cases)("%s", async (_name, query, variables, headers, code) => {
      const before = await rowCounts();
      const res = await stack.query(query, variables, headers);
      expect(res.errors[0].extensions.code).toBe(code);
      expect(res.errors[0].message.length).toBeGreaterThan(10);
      expect(await rowCounts()).toEqual(before);
    });

    it("invalid channel: refused by the gateway before any unit sees it", async () => {
      const before = await rowCounts();
      const res = await stack.post({ query: PREFER, variables: { c: "C000003", p: "sea view" } }, { "x-channel": "CARRIER_PIGEON" });
      expect(res.status).toBe(400);
      expect(await rowCounts()).toEqual(before);
    });
  });

  it("says which units answered and when each read its silo (extensions.provenance)", async () => {
    const before = new Date().toISOString();
    const res = await stack.post({ query: `{ customer(id: "C000001") { name stayCount offers { code } } }` });
    const units = res.body.extensions.provenance.units;
    expect(units.map((u: { unit: string }) => u.unit)).toEqual(["billing", "bookings", "promotions", "retail"]);
    for (const u of units) {
      expect(u.readAt >= before).toBe(true);
      expect(u.answeredAt >= u.readAt).toBe(true);
      expect(u.fetches).toBeGreaterThanOrEqual(1);
    }
  });
}
