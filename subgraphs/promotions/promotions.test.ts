import { type UnitServer, packTouchPoints, touchPointsField } from "../../kit/subgraph";
import { countStatements, tempSiloDir } from "../../test/support/silo";
import { TIMELINE_UNITS } from "./customer/customer.type";
import { execute } from "../../test/support/execute";
import { type PromotionsContext, unit } from "./unit";

const NOW = Date.parse("2026-11-26T12:00:00Z");
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Customer { id offers { code } consent { email } redemptions { channel redeemedAt offer { code } } timeline(first: 3) { at unit kind } }
  ... on Product { sku price(customerId: "C000001") { final { amount } appliedOffer { code } } }
  ... on Quote { id total { amount } }
} }`;

/** A customer as the gateway hands it over when every unit answered: each other unit's touch points (packed, none), stays, loyalty standing. */
function customerRep(id: string, extra: Record<string, unknown> = {}) {
  const touchPoints = Object.fromEntries(TIMELINE_UNITS.map((unit) => [touchPointsField(unit), "[]"]));
  return { __typename: "Customer", id, stayCount: 0, loyaltyStanding: { tier: null }, ...touchPoints, ...extra };
}

describe("promotions subgraph over a fresh SQLite silo", () => {
  const silo = tempSiloDir();
  let promotions: UnitServer<PromotionsContext>;

  beforeAll(async () => {
    promotions = await unit.create(unit.loadConfig({ PROMOTIONS_DB_URL: silo.url("promotions") }), { clock: () => NOW });
  });
  afterAll(async () => {
    await promotions.db.destroy();
    silo.cleanup();
  });

  it("decides offers from the facts other units hand over via @requires", async () => {
    const reps = [customerRep("C000001", { stayCount: 5, loyaltyStanding: { tier: "GOLD" } }), customerRep("C000002", { loyaltyStanding: { tier: "SILVER" } }), customerRep("C000003")];
    const { data, errors } = await execute(promotions.subgraph, ENTITIES, { r: reps });
    expect(errors).toBeUndefined();
    const [maria, tom, aisha] = data!._entities.map((c: { offers: { code: string }[] }) => c.offers.map((o) => o.code));
    expect(maria).toEqual(expect.arrayContaining(["GOLD-BREAKFAST", "WELCOME-BACK", "NEWS10HOME", "SILVER-20"]));
    expect(tom).toEqual(expect.arrayContaining(["MEMBERS-WELCOME", "SILVER-20"]));
    expect(tom).not.toContain("GOLD-BREAKFAST");
    expect(aisha).not.toContain("MEMBERS-WELCOME");
    expect(aisha).not.toContain("NEWS10HOME"); // withdrew e-mail consent
    expect(maria).not.toContain("TOYS2023"); // expired
  });

  it("answers offers null, naming each unit, when bookings or retail did not answer; never a shorter list", async () => {
    const reps = [customerRep("C000001", { stayCount: null, loyaltyStanding: { tier: "GOLD" } }), customerRep("C000001", { stayCount: 5, loyaltyStanding: null }), customerRep("C000001", { stayCount: null, loyaltyStanding: null })];
    const { data, errors } = await execute(promotions.subgraph, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { offers { code } consent { email } } } }`, { r: reps });
    expect(data!._entities).toEqual([
      { offers: null, consent: { email: true } },
      { offers: null, consent: { email: true } },
      { offers: null, consent: { email: true } },
    ]);
    expect(errors!.map((e) => [e.path, e.extensions])).toEqual([
      [["_entities", 0, "offers"], { code: "UNAVAILABLE", unit: "bookings" }],
      [["_entities", 1, "offers"], { code: "UNAVAILABLE", unit: "retail" }],
      [["_entities", 2, "offers"], { code: "UNAVAILABLE", unit: "bookings" }],
      [["_entities", 2, "offers"], { code: "UNAVAILABLE", unit: "retail" }],
    ]);
    expect(errors![0].message).toMatch(/offers depend on the bookings unit, which did not answer/);
  });

  it("keeps the other units' touch points when one unit did not answer, and names it", async () => {
    const billing = [{ at: "2020-01-01T10:00:00.000Z", unit: "BILLING", channel: null, kind: "invoice", summary: "old", ref: "INV-1" }];
    const rep = customerRep("C000001", { bookingsTouchPoints: null, billingTouchPoints: packTouchPoints(billing) });
    const { data, errors } = await execute(promotions.subgraph, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { timeline(first: 200) { unit ref } timelineMissingUnits } } }`, { r: [rep] });
    const { timeline, timelineMissingUnits } = data!._entities[0];
    expect(timeline).toContainEqual({ unit: "BILLING", ref: "INV-1" });
    expect(timeline.some((t: { unit: string }) => t.unit === "PROMOTIONS")).toBe(true); // promotions' own
    expect(timelineMissingUnits).toEqual(["BOOKINGS"]);
    expect(errors).toEqual([{ message: "the timeline lacks the bookings unit's touch points: the bookings unit did not answer", path: ["_entities", 0, "timeline"], extensions: { code: "UNAVAILABLE", unit: "bookings" } }]);
    const complete = await execute(promotions.subgraph, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { timelineMissingUnits } } }`, { r: [customerRep("C000001")] });
    expect(complete).toEqual({ data: { _entities: [{ timelineMissingUnits: [] }] } });
  });

  it("refuses a price or a quote without retail's list prices, naming retail", async () => {
    const { data, errors } = await execute(promotions.subgraph, ENTITIES, {
      r: [
        { __typename: "Product", sku: "SKU-0002", category: null, listPrice: null },
        { __typename: "Quote", id: "C000001|SKU-0002*2", basket: null },
      ],
    });
    expect(data!._entities).toEqual([
      { sku: "SKU-0002", price: null },
      { id: "C000001|SKU-0002*2", total: null },
    ]);
    expect(errors!.map((e) => e.extensions)).toEqual([
      { code: "UNAVAILABLE", unit: "retail" },
      { code: "UNAVAILABLE", unit: "retail" },
    ]);
  });

  it("merges every unit's touch points newest first", async () => {
    const bookings = [{ at: "2027-01-01T10:00:00.000Z", unit: "BOOKINGS", channel: "WEB", kind: "booking", summary: "future stay", ref: "BK1" }];
    const billing = [{ at: "2020-01-01T10:00:00.000Z", unit: "BILLING", channel: null, kind: "invoice", summary: "old", ref: "INV-1" }];
    const { data } = await execute(promotions.subgraph, ENTITIES, { r: [customerRep("C000001", { bookingsTouchPoints: packTouchPoints(bookings), billingTouchPoints: packTouchPoints(billing) })] });
    const timeline = data!._entities[0].timeline;
    expect(timeline[0]).toMatchObject({ unit: "BOOKINGS", kind: "booking" });
    expect(timeline.map((t: { at: string }) => t.at)).toEqual([...timeline.map((t: { at: string }) => t.at)].sort().reverse());
  });

  it("reads touch points packed or as the list of objects units answered before, to the same answer, while the units roll over", async () => {
    const points = {
      bookings: [
        { at: "2027-01-01T10:00:00.000Z", unit: "BOOKINGS", channel: "WEB", kind: "booking", summary: 'Booked "Harbour House", 2 nights', ref: "BK1" },
        { at: "2020-01-01T10:00:00.000Z", unit: "BOOKINGS", channel: "STORE", kind: "preference", summary: "Gràcia: quiet room \\ high floor", ref: "P1" },
      ],
      billing: [{ at: "2020-01-01T10:00:00.000Z", unit: "BILLING", channel: null, kind: "invoice", summary: "Invoice INV-1 issued for 12.00 EUR (paid)", ref: "INV-1" }],
      retail: [{ at: "2024-05-05T08:00:00.000Z", unit: "RETAIL", channel: "MOBILE", kind: "order", summary: "Order ORD-1 placed: 1 item, 9.99 EUR", ref: "ORD-1" }],
    } as Record<string, object[]>;
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { timeline(first: 200) { at unit channel kind summary ref } timelineMissingUnits } } }`;
    const answer = async (form: (unit: string) => unknown) => {
      const fields = Object.fromEntries(TIMELINE_UNITS.map((unit) => [touchPointsField(unit), form(unit)]));
      return JSON.stringify(await execute(promotions.subgraph, query, { r: [customerRep("C000001", fields)] }));
    };
    const packed = await answer((unit) => packTouchPoints(points[unit] ?? []));
    const listed = await answer((unit) => points[unit] ?? []);
    // Some units rolled over, some not yet.
    const mixed = await answer((unit) => (unit === "billing" || unit === "care" ? packTouchPoints(points[unit] ?? []) : (points[unit] ?? [])));
    expect(listed).toBe(packed);
    expect(mixed).toBe(packed);
    const { data } = JSON.parse(packed);
    expect(data._entities[0].timelineMissingUnits).toEqual([]);
    expect(data._entities[0].timeline).toEqual(expect.arrayContaining([...points.bookings, ...points.billing, ...points.retail]));
  });

  it("takes touch points it cannot read as that unit's failure, naming the unit, and keeps the others", async () => {
    const billing = packTouchPoints([{ at: "2020-01-01T10:00:00.000Z", unit: "BILLING", channel: null, kind: "invoice", summary: "old", ref: "INV-1" }]);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { timeline(first: 200) { unit ref } timelineMissingUnits } } }`;
    const malformed: [unknown, RegExp][] = [
      ['[["2020-01-01T10:00:00.000Z"', /not JSON/],
      ['{"at":"2020-01-01T10:00:00.000Z"}', /are an object, not a list/],
      ['[["2020-01-01T10:00:00.000Z",null,"booking","x"]]', /touch point 0 has 4 fields, not 5/],
      ['[["2020-01-01T10:00:00.000Z","FAX","booking","x","BK1"]]', /touch point 0 has a `channel` that is no Channel \(the string "FAX"\)/],
      ['[["2020-01-01T10:00:00.000Z",null,"booking","x",7]]', /touch point 0 has no string `ref` \(the number 7\)/],
      [[{ at: 7, unit: "BOOKINGS", channel: null, kind: "booking", summary: "x", ref: "BK1" }], /touch point 0 has no string `at` \(the number 7\)/],
      [[null], /touch point 0 is null/],
      [42, /are the number 42, neither their JSON text nor a list/],
      [{ at: "2020-01-01T10:00:00.000Z" }, /are an object, neither their JSON text nor a list/],
    ];
    for (const [value, why] of malformed) {
      const { data, errors } = await execute(promotions.subgraph, query, { r: [customerRep("C000001", { bookingsTouchPoints: value, billingTouchPoints: billing })] });
      expect(data!._entities[0].timelineMissingUnits).toEqual(["BOOKINGS"]);
      expect(data!._entities[0].timeline).toContainEqual({ unit: "BILLING", ref: "INV-1" });
      expect(errors).toHaveLength(1);
      expect(errors![0]).toMatchObject({ path: ["_entities", 0, "timeline"], extensions: { code: "UNAVAILABLE", unit: "bookings" } });
      expect(errors![0].message).toMatch(/^the timeline lacks the bookings unit's touch points: the bookings unit's answer could not be read: /);
      expect(errors![0].message).toMatch(why);
    }
  });

  it("prices products and quotes with one engine, from list prices handed over", async () => {
    const basket = [{ sku: "SKU-0002", quantity: 2, category: "Home", listPrice: { amount: "49.99", currency: "EUR" } }];
    const { data, errors } = await execute(promotions.subgraph, ENTITIES, {
      r: [
        { __typename: "Product", sku: "SKU-0002", category: "Home", listPrice: { amount: "49.99", currency: "EUR" } },
        { __typename: "Quote", id: "C000001|SKU-0002*2", basket },
      ],
    });
    expect(errors).toBeUndefined();
    expect(data!._entities[0].price).toEqual({ final: { amount: "44.99" }, appliedOffer: { code: "NEWS10HOME" } });
    expect(data!._entities[1].total.amount).toBe("89.98");
  });

  it("answers 1 and 50 customers with the same number of statements", async () => {
    // Start from a customer with redemptions, so both batches touch every loader.
    const { customer_id: first } = await promotions.db("promo_redemption").first("customer_id").orderBy("redemption_id");
    const ids = [first, ...Array.from({ length: 49 }, (_, i) => `C${String(i + 1).padStart(6, "0")}`)];
    const counts: number[] = [];
    for (const batch of [ids.slice(0, 1), ids]) {
      const statements = countStatements(promotions.db);
      const { errors } = await execute(promotions.subgraph, ENTITIES, { r: batch.map((id) => customerRep(id)) });
      statements.stop();
      expect(errors).toBeUndefined();
      counts.push(statements.count);
    }
    expect(counts[1]).toBe(counts[0]);
  });

  it("rejects out-of-range arguments clearly", async () => {
    const { errors } = await execute(promotions.subgraph, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { timeline(first: 1000) { at } } } }`, { r: [customerRep("C000001")] });
    expect(errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", unit: "promotions" });
    const quote = await execute(promotions.subgraph, `{ quote(lines: []) { id } }`);
    expect(quote.errors?.[0].message).toMatch(/at least one line/);
  });

  it("allows a sales contact only without an open care case and with some consent, saying why not; null naming care when care did not answer", async () => {
    const reps = [customerRep("C000001", { openCaseCount: 1 }), customerRep("C000001", { openCaseCount: 0 }), customerRep("C000003", { openCaseCount: 2 }), customerRep("C000001", { openCaseCount: null })];
    const { data, errors } = await execute(promotions.subgraph, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { salesContact { allowed reasons } } } }`, { r: reps });
    expect(data!._entities).toEqual([
      { salesContact: { allowed: false, reasons: ["1 open care case: settle it before selling"] } },
      { salesContact: { allowed: true, reasons: [] } },
      { salesContact: { allowed: false, reasons: ["2 open care cases: settle them before selling", "marketing consent withdrawn for e-mail, SMS and push"] } },
      { salesContact: null },
    ]);
    expect(errors!.map((e) => [e.path, e.extensions])).toEqual([[["_entities", 3, "salesContact"], { code: "UNAVAILABLE", unit: "care" }]]);
    const asCustomer = await execute(
      promotions.subgraph,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { salesContact { allowed } } } }`,
      { r: [customerRep("C000001", { openCaseCount: 0 })] },
      { identity: { role: "customer", subject: "C000001", customerId: "C000001" } as never },
    );
    expect(asCustomer.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
});
