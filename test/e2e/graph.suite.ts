import { createSilo } from "../../kit/subgraph/db";
import { unitNames } from "../../kit/manifest";
import { retryUntil } from "../support/eventually";
import { SILO_KIND_NAME, type SiloKind } from "../support/silos";
import { type Stack, startStack } from "../support/stack";
import { CUSTOMER_360 } from "./queries";

const CHANNELS = ["WEB", "MOBILE", "STORE", "CALL_CENTER", "PARTNER"];

/**
 * The graph's contract, end to end: one suite, run over every kind of silo
 * (graph.test.ts: SQLite files; graph.int.test.ts: each unit on its
 * production server, PostgreSQL or MariaDB).
 */
export function graphContract(kind: SiloKind): void {
  describe(`the customer graph end to end (five real processes over ${SILO_KIND_NAME[kind]})`, () => graphSuite(kind));
}

function graphSuite(kind: SiloKind): void {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ kind, env: { GATEWAY_LOG_LEVEL: "error" } });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("answers the 360° customer view from all four units", async () => {
    const { data, errors } = await stack.query(CUSTOMER_360, { id: "C000001" }, { "x-channel": "WEB" });
    expect(errors).toBeUndefined();
    const c = data.customer;
    expect(c).toMatchObject({ id: "C000001", name: "Maria Schmidt", stayCount: 5, loyalty: { tier: "GOLD" }, consent: { email: true } });
    expect(c.preferences.map((p: { preference: string }) => p.preference)).toContain("feather-free pillows");
    expect(c.bookings[0].property.name).toBe("Harbour House Lisbon");
    expect(c.bookings[0].invoice?.number).toMatch(/^INV-/); // bookings -> billing
    expect(c.orders[0].invoice.number).toMatch(/^INV-/); // retail -> billing
    expect(c.orders[0].lines[0].product.price.final.amount).toMatch(/^\d+\.\d\d$/); // retail -> promotions
    const bookingLine = c.invoices.flatMap((i: { lines: unknown[] }) => i.lines).find((l: { booking: unknown }) => l.booking);
    expect(bookingLine.booking.property.name).toBe("Harbour House Lisbon"); // billing -> bookings
    expect(c.offers.map((o: { code: string }) => o.code)).toEqual(expect.arrayContaining(["GOLD-BREAKFAST", "WELCOME-BACK"]));
    expect(c.balance.amount).toMatch(/^\d+\.\d\d$/);
  });

  it("gives the same price for a customer through every channel", async () => {
    const query = `query($sku: ID!, $c: ID) { product(sku: $sku) { sku listPrice { amount } price(customerId: $c) { list { amount } discount { amount } final { amount } appliedOffer { code } } } }`;
    const answers = await Promise.all(CHANNELS.map((channel) => stack.query(query, { sku: "SKU-0002", c: "C000001" }, { "x-channel": channel })));
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual(answers[0].data);
    }
    expect(answers[0].data.product.price.appliedOffer?.code).toBe("NEWS10HOME");
  });

  it("prices a quote as the sum of Product.price finals", async () => {
    const lines = [
      { sku: "SKU-0001", quantity: 2 },
      { sku: "SKU-0002", quantity: 1 },
      { sku: "SKU-0003", quantity: 3 },
    ];
    const quote = await stack.query(`query($c: ID, $l: [QuoteLineInput!]!) { quote(customerId: $c, lines: $l) { id total { amount currency } lines { quantity lineTotal { amount } } } }`, { c: "C000001", l: lines });
    expect(quote.errors).toBeUndefined();
    let sum = 0n;
    for (const line of lines) {
      const { data } = await stack.query(`query($s: ID!) { product(sku: $s) { price(customerId: "C000001") { final { amount } } } }`, { s: line.sku });
      sum += BigInt(data.product.price.final.amount.replace(".", "")) * BigInt(line.quantity);
    }
    expect(BigInt(quote.data.quote.total.amount.replace(".", ""))).toBe(sum);
  });

  it("merges every unit's touch points into one timeline, newest first", async () => {
    const { data, errors } = await stack.query(`{ customer(id: "C000001") { timeline(first: 60) { at unit kind } } }`);
    expect(errors).toBeUndefined();
    const timeline: { at: string; unit: string }[] = data.customer.timeline;
    // Maria has touch points in every unit of the manifest.
    expect(new Set(timeline.map((t) => t.unit))).toEqual(new Set(unitNames().map((u) => u.toUpperCase())));
    const times = timeline.map((t) => Date.parse(t.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("shows a write made directly in a silo on the very next request", async () => {
    const db = createSilo(stack.siloUrls.get("billing")!);
    try {
      const before = await stack.query(`{ customer(id: "C000002") { name } }`);
      expect(before.data.customer.name).toBe("Tom Becker");
      await db("acct_holder").where({ cust_no: "C000002" }).update({ full_nm: "Thomas Becker" });
      const after = await stack.query(`{ customer(id: "C000002") { name } }`, undefined, { "x-channel": "STORE" });
      expect(after.data.customer.name).toBe("Thomas Becker");
    } finally {
      await db("acct_holder").where({ cust_no: "C000002" }).update({ full_nm: "Tom Becker" });
      await db.destroy();
    }
  });

  describe("bad input", () => {
    it("rejects malformed JSON with a 400 and keeps serving", async () => {
      const res = await stack.post("{ this is not json");
      expect(res.status).toBe(400);
      expect(res.body.errors[0].message).toMatch(/malformed JSON/);
      expect((await stack.query(`{ product(sku: "SKU-0001") { sku } }`)).data.product.sku).toBe("SKU-0001");
    });

    it("rejects an unknown field with a validation error", async () => {
      const res = await stack.post({ query: `{ customer(id: "C000001") { shoeSize } }` });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
      expect(res.body.errors[0].message).toMatch(/shoeSize/);
    });

    it("rejects a variable of the wrong type", async () => {
      const res = await stack.post({ query: `query($n: Int!) { products(first: $n) { totalCount } }`, variables: { n: "many" } });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    });

    it("answers null for an unknown customer, without an error", async () => {
      const { data, errors } = await stack.query(CUSTOMER_360, { id: "C999999" });
      expect(errors).toBeUndefined();
      expect(data.customer).toBeNull();
    });

    it("rejects an x-channel that is not a Channel", async () => {
      const res = await stack.post({ query: `{ product(sku: "SKU-0001") { sku } }` }, { "x-channel": "FAX" });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].message).toMatch(/x-channel must be one of WEB, MOBILE, STORE, CALL_CENTER, PARTNER/);
    });

    it("names the unit when a silo row cannot be mapped, and keeps the other units' data", async () => {
      const db = createSilo(stack.siloUrls.get("billing")!);
      try {
        // A status code billing does not know: a row any dialect accepts.
        await db("inv_hdr").insert({ inv_no: "INV-BROKEN", cust_no: "C000004", issued_local: "2026-11-20 10:00:00", due_date: "2026-12-20", stat_cd: 77, total_amt: "12.50", curr_cd: "EUR" });
        const { data, errors } = await stack.query(`{ customer(id: "C000004") { name stayCount invoices(first: 1) { total { amount } } } product(sku: "SKU-0001") { sku } }`);
        expect(errors![0]).toMatchObject({ extensions: { code: "SILO_DATA_INVALID", unit: "billing" } });
        expect(errors![0].message).toMatch(/billing silo, invoice INV-BROKEN: unknown status code 77/);
        // Only the field that read the row fails: the customer and every other field stand.
        expect(data.customer).toMatchObject({ name: "Jonas Weber", invoices: null });
        expect(typeof data.customer.stayCount).toBe("number");
        expect(data.product.sku).toBe("SKU-0001");
      } finally {
        await db("inv_hdr").where({ inv_no: "INV-BROKEN" }).delete();
        await db.destroy();
      }
    });

    it("keeps the other units' fields when a unit is down, and names it", async () => {
      await stack.procs.get("retail")!.child.kill("SIGKILL");
      await stack.procs.get("retail")!.exited;
      const { data, errors } = await stack.query(`{ customer(id: "C000001") { name stayCount loyalty { tier } } }`);
      expect(data.customer.name).toBe("Maria Schmidt");
      expect(data.customer.stayCount).toBe(5);
      expect(data.customer.loyalty).toBeNull();
      expect(errors![0].extensions).toMatchObject({ code: "UNAVAILABLE", unit: "retail" });
      expect(JSON.stringify(errors)).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED/);
      await stack.restart("retail");
      const again = await stack.query(`{ customer(id: "C000001") { loyalty { tier } } }`);
      expect(again.data.customer.loyalty.tier).toBe("GOLD");
    });
  });

  // Only a server silo can go away by itself; a SQLite file lives and dies with its unit's process.
  if (kind === "servers") {
    describe("a silo that goes away", () => {
      const price = `product(sku: "SKU-0002") { name price(customerId: "C000001") { final { amount } } }`;
      // Billing answers customer(id), so its outage costs the customer; bookings' costs only its fields.
      const outages = [
        { unit: "billing", query: `{ customer(id: "C000001") { name } ${price} }`, customer: null }, // on MariaDB
        { unit: "bookings", query: `{ customer(id: "C000001") { name stayCount } ${price} }`, customer: { name: "Maria Schmidt", stayCount: null } }, // on PostgreSQL
      ];

      it.each(outages)("fails only $unit's fields, with UNAVAILABLE, while its database is gone, and recovers by itself", async ({ unit, query, customer }) => {
        const healthy = await stack.query(query);
        expect(healthy.errors).toBeUndefined();
        await stack.silos.cut(unit);
        try {
          const { data, errors } = await stack.query(query);
          expect(errors!.length).toBeGreaterThan(0);
          for (const error of errors!) expect(error).toMatchObject({ message: `the ${unit} silo is unavailable`, extensions: { code: "UNAVAILABLE", unit } });
          expect(data.customer).toEqual(customer);
          expect(data.product).toEqual(healthy.data.product); // retail and promotions keep answering
          expect((await fetch(stack.unitUrls.get(unit)!.replace(/\/graphql$/, "/health"))).status).toBe(503);
        } finally {
          await stack.silos.restore(unit);
        }
        const back = await retryUntil(
          () => stack.query(query),
          (r) => r.errors === undefined,
        );
        expect(back.data).toEqual(healthy.data);
        expect(stack.procs.get(unit)!.child.exitCode).toBeNull(); // the same process: no restart needed
      });
    });
  }
}
