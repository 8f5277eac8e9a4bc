import { IDENTITY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, encodeIdentity, signature } from "../../kit/identity";
import { DEV_SIGNING_SECRET } from "../../kit/identity";
import { type Stack, startStack } from "../support/stack";

type Caller = "anonymous" | "customer (self)" | "customer (other)" | "agent" | "partner";
type Expect = "data" | "UNAUTHENTICATED" | "FORBIDDEN";
const ALL: Caller[] = ["anonymous", "customer (self)", "customer (other)", "agent", "partner"];

/** Every personal field of every unit, and the open ones, with who may read them. */
const OPERATIONS: { name: string; query: string; allowed: Caller[]; anonymous?: Expect }[] = [
  { name: "billing: account holder", query: `{ customer(id: "C000001") { name email phone account { number } balance { amount } invoices(first: 1) { number total { amount } lines { description } } } }`, allowed: ["customer (self)", "agent"] },
  { name: "bookings: stays and preferences", query: `{ customer(id: "C000001") { bookings(first: 1) { id checkIn property { name } invoice { number } } stayCount preferences { preference } } }`, allowed: ["customer (self)", "agent"] },
  { name: "retail: orders and loyalty", query: `{ customer(id: "C000001") { orders(first: 1) { id total { amount } lines { quantity } invoice { number } } loyalty { tier points } } }`, allowed: ["customer (self)", "agent"] },
  { name: "promotions: offers, redemptions, consent", query: `{ customer(id: "C000001") { offers { code } redemptions { channel } consent { email } } }`, allowed: ["customer (self)", "agent"] },
  { name: "all units: timeline", query: `{ customer(id: "C000001") { timeline(first: 3) { unit kind } } }`, allowed: ["customer (self)", "agent"] },
  { name: "billing: me", query: `{ me { id name } }`, allowed: ALL },
  { name: "billing: search (agents)", query: `{ searchCustomers(text: "schmidt") { id } }`, allowed: ["agent"] },
  { name: "billing: by e-mail", query: `{ customerByEmail(email: "maria.schmidt@example.com") { id } }`, allowed: ["customer (self)", "agent"] },
  { name: "retail: catalogue and list prices", query: `{ product(sku: "SKU-0002") { name category listPrice { amount } } products(first: 2) { items { sku } } }`, allowed: ALL },
  { name: "promotions: public price", query: `{ product(sku: "SKU-0002") { price { final { amount } } } }`, allowed: ["customer (self)", "customer (other)", "agent", "partner"] },
  { name: "promotions: a customer's price", query: `{ product(sku: "SKU-0002") { price(customerId: "C000001") { final { amount } } } }`, allowed: ["customer (self)", "agent"] },
  { name: "promotions: public offers", query: `{ publicOffers { code } offer(code: "OUTDOOR15") { title } }`, allowed: ["customer (self)", "customer (other)", "agent", "partner"] },
  { name: "promotions: a members' offer", query: `{ offer(code: "GOLD-BREAKFAST") { title } }`, allowed: ["customer (self)", "customer (other)", "agent"] },
  { name: "promotions: a public quote", query: `{ quote(lines: [{ sku: "SKU-0001", quantity: 1 }]) { total { amount } } }`, allowed: ["customer (self)", "customer (other)", "agent", "partner"] },
  { name: "promotions: a customer's quote", query: `{ quote(customerId: "C000001", lines: [{ sku: "SKU-0001", quantity: 1 }]) { total { amount } } }`, allowed: ["customer (self)", "agent"] },
  { name: "bookings: write a preference", query: `mutation { setStayPreference(customerId: "C000001", preference: "feather-free pillows") { preference } }`, allowed: ["customer (self)", "agent"] },
  { name: "promotions: write consent", query: `mutation { setMarketingConsent(customerId: "C000001", email: true) { email } }`, allowed: ["customer (self)", "agent"] },
];

describe("who may see what", () => {
  let stack: Stack;
  const headers = new Map<Caller, Record<string, string>>();
  const cells: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ env: { GATEWAY_LOG_LEVEL: "error" } });
    headers.set("anonymous", { authorization: "" });
    headers.set("customer (self)", { authorization: `Bearer ${await stack.token("customer", "C000001")}` });
    headers.set("customer (other)", { authorization: `Bearer ${await stack.token("customer", "C000002")}` });
    headers.set("agent", { authorization: `Bearer ${await stack.token("agent")}` });
    headers.set("partner", { authorization: `Bearer ${await stack.token("partner", "partner-travel-co")}` });
  }, 120_000);
  afterAll(async () => {
    process.stdout.write(`authorization matrix: ${cells.length} cells\n`);
    await stack?.stop();
  });

  for (const op of OPERATIONS) {
    it.each(ALL)(`${op.name} as %s`, async (caller) => {
      const res = await stack.post({ query: op.query }, { "x-channel": "WEB", ...headers.get(caller) });
      cells.push(`${op.name} × ${caller}`);
      expect(res.status).toBe(200);
      const expected: Expect = op.allowed.includes(caller) ? "data" : caller === "anonymous" ? "UNAUTHENTICATED" : "FORBIDDEN";
      if (expected === "data") {
        expect(res.body.errors).toBeUndefined();
        if (op.name === "billing: me") expect(res.body.data.me?.id ?? null).toBe(caller === "customer (self)" ? "C000001" : caller === "customer (other)" ? "C000002" : null);
      } else {
        expect(res.body.errors?.map((e: { extensions: { code: string } }) => e.extensions.code)).toContain(expected);
        expect(JSON.stringify(res.body.errors)).not.toMatch(/Maria|maria\.schmidt|\+49/);
      }
    });
  }

  it("keeps the rest of the response when one field is forbidden", async () => {
    const res = await stack.post({ query: `{ product(sku: "SKU-0001") { name } customer(id: "C000001") { name } }` }, headers.get("customer (other)"));
    expect(res.body.data.product.name).toBeTruthy();
    expect(res.body.data.customer).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0]).toMatchObject({ path: ["customer"], extensions: { code: "FORBIDDEN", unit: "billing" } });
  });

  describe("tokens the gateway refuses with a 401, never downgrading to anonymous", () => {
    const cases: [string, () => Promise<string>, RegExp][] = [
      ["a malformed token", async () => "Bearer not.a.jwt", /malformed|could not be verified/],
      ["not a bearer token", async () => "Basic dXNlcjpwYXNz", /Bearer/],
      ["an expired token", async () => `Bearer ${await expired()}`, /expired/],
      ["a token signed with another secret", async () => `Bearer ${(await stack.token("agent")).slice(0, -4)}AAAA`, /signature/],
    ];
    const expired = async () => {
      const { mintToken } = await import("../../gateway/admission/token");
      const { loadGatewayConfig } = await import("../../gateway/config");
      return mintToken(loadGatewayConfig({}), { role: "agent", sub: "old", expiresAt: Math.floor(Date.now() / 1000) - 3600 });
    };
    it.each(cases)("%s", async (_name, make, message) => {
      const res = await stack.post({ query: `{ product(sku: "SKU-0001") { name } }` }, { authorization: await make() });
      cells.push(`token: ${_name}`);
      expect(res.status).toBe(401);
      expect(res.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
      expect(res.body.errors[0].message).toMatch(message);
      expect(res.headers.get("www-authenticate")).toMatch(/Bearer/);
    });
  });

  describe("a direct call to a subgraph gets nothing, whatever it forges", () => {
    const body = JSON.stringify({ query: `{ _entities(representations: [{ __typename: "Customer", id: "C000001" }]) { ... on Customer { name email } } }` });
    const agent = encodeIdentity({ role: "agent", subject: "forger" });
    const post = (headers: Record<string, string>, payload = body) => fetch(stack.unitUrls.get("billing")!, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: payload });
    const signedNow = (identity = agent, payload = body, at = Date.now()) => ({ [IDENTITY_HEADER]: identity, [TIMESTAMP_HEADER]: String(at), [SIGNATURE_HEADER]: signature(DEV_SIGNING_SECRET, identity, String(at), payload) });

    it.each([
      ["unsigned", {}],
      ["a forged identity header without a signature", { [IDENTITY_HEADER]: agent }],
      ["a tampered signature", { ...signedNow(), [SIGNATURE_HEADER]: "ab".repeat(32) }],
      ["a signature replayed after the window", signedNow(agent, body, Date.now() - 60_000)],
      ["a signature over another body", signedNow(agent, JSON.stringify({ query: "{ __typename }" }))],
      ["a signed identity swapped for another", { ...signedNow(encodeIdentity({ role: "partner", subject: "p" })), [IDENTITY_HEADER]: agent }],
    ])("refuses %s", async (_name, headers) => {
      const res = await post(headers as Record<string, string>);
      cells.push(`direct: ${_name}`);
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(text).toMatch(/only answers the gateway/);
      expect(text).not.toMatch(/Maria/);
    });

    it("answers a correctly signed request (the control)", async () => {
      const res = await post(signedNow());
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).data._entities[0].name).toBe("Maria Schmidt");
    });

    it("guards _entities too: a signed anonymous or partner reference reads nothing personal", async () => {
      for (const identity of [encodeIdentity(null), encodeIdentity({ role: "partner", subject: "p" }), encodeIdentity({ role: "customer", subject: "C000002", customerId: "C000002" })]) {
        const res = (await (await post(signedNow(identity))).json()) as any;
        expect(res.data?._entities?.[0]?.name ?? null).toBeNull();
        expect(["UNAUTHENTICATED", "FORBIDDEN"]).toContain(res.errors[0].extensions.code);
      }
    });
  });
});
