import { type DelayProxy, startDelayProxy } from "../support/delay-proxy";
import { type Stack, startStack } from "../support/stack";
import { CUSTOMER_360, CUSTOMERS_360, PER_UNIT } from "./queries";

type Answer = { data?: unknown; errors?: unknown[] };

/**
 * The gateway's own plan executor and result shaping (gateway/execution/executor.ts,
 * gateway/execution/shaping.ts, on by default: every other end-to-end suite runs on
 * them) against Apollo's own, over the same four units: a second gateway
 * with GATEWAY_OWN_EXECUTOR and GATEWAY_LEAN_RESULT_SHAPING off. Same data,
 * same errors (message, path, extensions), for answers with and without
 * errors, from every caller, and while a unit is down.
 */
describe("own plan executor and result shaping, against Apollo's", () => {
  let stack: Stack;
  let apolloUrl = "";
  let ownBookings: DelayProxy;
  let apolloBookings: DelayProxy;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    [ownBookings, apolloBookings] = await Promise.all([startDelayProxy(), startDelayProxy()]);
    stack = await startStack({ env: { GATEWAY_LOG_LEVEL: "error" }, gatewayEnv: { GATEWAY_OWN_EXECUTOR: "true", GATEWAY_LEAN_RESULT_SHAPING: "true", SUBGRAPH_BOOKINGS_URL: ownBookings.url } });
    ownBookings.target = apolloBookings.target = new URL(stack.unitUrls.get("bookings")!).origin;
    apolloUrl = await stack.startGateway("gateway-apollo-executor", { GATEWAY_OWN_EXECUTOR: "false", GATEWAY_LEAN_RESULT_SHAPING: "false", SUBGRAPH_BOOKINGS_URL: apolloBookings.url });
    tokens.set("agent", `Bearer ${await stack.token("agent")}`);
    tokens.set("customer C000001", `Bearer ${await stack.token("customer", "C000001")}`);
    tokens.set("partner", `Bearer ${await stack.token("partner", "partner-travel-co")}`);
    tokens.set("anonymous", "");
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await ownBookings?.close();
    await apolloBookings?.close();
  });

  const post = async (url: string, caller: string, query: string, variables: Record<string, unknown>): Promise<Answer> => {
    const authorization = tokens.get(caller) ?? "";
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-channel": "WEB", ...(authorization ? { authorization } : {}) }, body: JSON.stringify({ query, variables }) });
    const { data, errors } = (await res.json()) as Answer;
    return { data, errors };
  };
  /** Both gateways, one request after the other, for each case; the answers as JSON (key order included). */
  const both = async (cases: [string, string, Record<string, unknown>][]) => {
    const own: string[] = [];
    const theirs: string[] = [];
    for (const [caller, query, variables] of cases) {
      own.push(JSON.stringify(await post(stack.gatewayUrl, caller, query, variables)));
      theirs.push(JSON.stringify(await post(apolloUrl, caller, query, variables)));
    }
    return { own, theirs };
  };

  const MIXED = `query Mixed($id: ID!, $orders: Boolean!, $noLoyalty: Boolean!) {
    c: customer(id: $id) {
      __typename kind: __typename id n: name ...Money
      orders(first: 2) @include(if: $orders) { id total { amount } lines { product { sku name price(customerId: $id) { final { amount } appliedOffer { code } } } } }
      loyalty @skip(if: $noLoyalty) { tier points }
      stays: bookings(first: 2) { id property { name } invoice { number } }
      bookings(first: 1) { nights }
    }
  }
  fragment Money on Customer { balance { amount currency } invoices(first: 2) { number total { amount } } }`;
  const PRICE = `query Price($c: ID) { product(sku: "SKU-0010") { sku name price(customerId: $c) { list { amount } final { amount } appliedOffer { code title } } } }`;

  it("gives the same answers with and without errors, for every kind of caller", async () => {
    const cases: [string, string, Record<string, unknown>][] = [
      ...["C000001", "C000002", "C000042", "C000777", "C999999"].map((id): [string, string, Record<string, unknown>] => ["agent", CUSTOMER_360, { id }]),
      ["agent", CUSTOMERS_360, { text: "mar", first: 20 }],
      ["agent", CUSTOMERS_360, { text: "no such customer", first: 5 }],
      ...[true, false].flatMap((orders) => [true, false].map((noLoyalty): [string, string, Record<string, unknown>] => ["agent", MIXED, { id: "C000003", orders, noLoyalty }])),
      // Refused at the root, refused per entity (a customer's price asked by someone else), allowed.
      ["customer C000001", CUSTOMER_360, { id: "C000001" }],
      ["customer C000001", CUSTOMER_360, { id: "C000002" }],
      ["customer C000001", MIXED, { id: "C000002", orders: true, noLoyalty: false }],
      ["partner", PRICE, { c: "C000001" }],
      ["partner", PRICE, {}],
      ["anonymous", CUSTOMER_360, { id: "C000001" }],
      ["agent", `{ searchCustomers(text: "schmidt", first: 3) { id name } me { id } }`, {}],
    ];
    const { own, theirs } = await both(cases);
    expect(own).toEqual(theirs);
    // Not vacuous: answers with data, answers with errors at paths, answers with both.
    const parsed = own.map((a) => JSON.parse(a) as { data?: unknown; errors?: { path?: unknown[] }[] });
    expect(parsed.filter((a) => a.data && !a.errors).length).toBeGreaterThan(5);
    expect(parsed.filter((a) => a.errors?.some((e) => (e.path?.length ?? 0) > 1)).length).toBeGreaterThan(0);
    expect(parsed.filter((a) => a.data && a.errors).length).toBeGreaterThan(1);
  }, 60_000);

  it("gives the same partial answer while a unit is down", async () => {
    const target = ownBookings.target;
    ownBookings.target = apolloBookings.target = "";
    try {
      const { own, theirs } = await both([
        ["agent", PER_UNIT, { id: "C000001" }],
        ["agent", CUSTOMER_360, { id: "C000001" }],
        ["agent", MIXED, { id: "C000003", orders: true, noLoyalty: false }],
      ]);
      expect(own).toEqual(theirs);
      // Not vacuous: the other units' parts are there, bookings' part is an error naming it.
      const answer = JSON.parse(own[0]) as { data: Record<string, unknown>; errors: { extensions: { unit?: string } }[] };
      expect(answer.data.billing).toEqual({ name: expect.any(String) });
      expect(answer.data.bookings).toEqual({ stayCount: null }); // only bookings' field: stayCount is nullable
      expect(answer.errors.map((e) => e.extensions.unit)).toContain("bookings");
    } finally {
      ownBookings.target = apolloBookings.target = target;
    }
  }, 60_000);
});
