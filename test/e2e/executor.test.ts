import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../scripts/manifest";
import { type AnswerJson, type ComparedGateways, startComparedGateways, whileDown } from "../support/compared-gateways";
import { dependenciesOf, missingUnaffected } from "../support/fail-alone";
import { CUSTOMER_360, CUSTOMERS_360, PER_UNIT } from "./queries";

type Answer = { data?: unknown; errors?: unknown[] };

/**
 * The gateway's own executor and result shaping (gateway/execution/), under
 * each planner, against stock @apollo/gateway (its planner, executor and
 * shaping) over the same units: the stack's gateway (Hive's planner), a
 * second gateway process on Apollo's, a third on the cheaper of the two
 * plans (GATEWAY_PLANNER=cheaper), and ApolloGateway
 * in this process with the same data sources (test/support/apollo-reference.ts).
 * Same data, same errors (message, path, extensions), for answers with and
 * without errors, from every caller, and while a unit is down.
 */
describe("own executor and result shaping under each planner and the cheaper of their plans, against stock Apollo Gateway", () => {
  let graph: ComparedGateways;
  beforeAll(async () => {
    graph = await startComparedGateways();
  }, 120_000);
  afterAll(() => graph?.stop());

  const post = async (url: string, caller: string, query: string, variables: Record<string, unknown>): Promise<Answer> => {
    const authorization = graph.tokens.get(caller) ?? "";
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-channel": "WEB", ...(authorization ? { authorization } : {}) }, body: JSON.stringify({ query, variables }) });
    const { data, errors } = (await res.json()) as Answer;
    return { data, errors };
  };
  /** Every gateway, one request after the other, for each case; the answers as JSON (key order included). */
  const both = async (cases: [string, string, Record<string, unknown>][]) => {
    const own: string[] = [];
    const other: string[] = [];
    const cheaper: string[] = [];
    const theirs: string[] = [];
    for (const [caller, query, variables] of cases) {
      own.push(JSON.stringify(await post(graph.urls.hive, caller, query, variables)));
      other.push(JSON.stringify(await post(graph.urls.apollo, caller, query, variables)));
      cheaper.push(JSON.stringify(await post(graph.urls.cheaper, caller, query, variables)));
      theirs.push(JSON.stringify(await post(graph.urls.reference, caller, query, variables)));
    }
    return { own, other, cheaper, theirs };
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
    const { own, other, cheaper, theirs } = await both(cases);
    expect(own).toEqual(theirs);
    expect(other).toEqual(theirs);
    expect(cheaper).toEqual(theirs);
    // Not vacuous: answers with data, answers with errors at paths, answers with both.
    const parsed = own.map((a) => JSON.parse(a) as { data?: unknown; errors?: { path?: unknown[] }[] });
    expect(parsed.filter((a) => a.data && !a.errors).length).toBeGreaterThan(5);
    expect(parsed.filter((a) => a.errors?.some((e) => (e.path?.length ?? 0) > 1)).length).toBeGreaterThan(0);
    expect(parsed.filter((a) => a.data && a.errors).length).toBeGreaterThan(1);
  }, 60_000);

  it("gives the same partial answer while a unit is down, for every field that does not depend on it", async () => {
    graph.setBookingsDown(true);
    try {
      const cases: [string, string, Record<string, unknown>][] = [
        ["agent", PER_UNIT, { id: "C000001" }],
        ["agent", CUSTOMER_360, { id: "C000001" }],
        ["agent", MIXED, { id: "C000003", orders: true, noLoyalty: false }],
      ];
      const { own, other, cheaper, theirs } = await both(cases);
      // What depends on bookings may differ by design: this gateway hands a failed unit's fields
      // on as null, so `timeline` keeps the other units' touch points where Apollo's skips it.
      const supergraph = readFileSync(join(ROOT, "schema", "supergraph.graphql"), "utf8");
      cases.forEach(([, query], i) => {
        const dependencies = dependenciesOf(supergraph, query);
        const [mine, second, third, reference] = [own[i], other[i], cheaper[i], theirs[i]].map((a) => JSON.parse(a) as AnswerJson);
        for (const answer of [mine, second, third]) {
          expect(missingUnaffected(reference.data, answer.data, dependencies, "bookings")).toEqual([]);
          expect(missingUnaffected(answer.data, reference.data, dependencies, "bookings")).toEqual([]);
          // Every error names bookings, in each gateway; and the other errors are Apollo's.
          const others = (a: AnswerJson) => whileDown(a, "bookings").errors.filter((e) => !e.includes('"unit":"bookings"'));
          expect(others(answer)).toEqual(others(reference));
          expect((answer.errors ?? []).some((e) => e.extensions?.unit === "bookings")).toBe(true);
        }
      });
      // Not vacuous: the other units' parts are there, bookings' part is an error naming it.
      const answer = JSON.parse(own[0]) as { data: Record<string, unknown>; errors: { extensions: { unit?: string } }[] };
      expect(answer.data.billing).toEqual({ name: expect.any(String) });
      expect(answer.data.bookings).toEqual({ stayCount: null }); // only bookings' field: stayCount is nullable
      expect(answer.errors.map((e) => e.extensions.unit)).toContain("bookings");
    } finally {
      graph.setBookingsDown(false);
    }
  }, 60_000);
});
