import { tempSiloDir, countStatements } from "../../test/support/silo";
import { execute } from "../../test/support/execute";
import { type BillingContext, unit } from "./unit";
import { type UnitServer, unpackTouchPoints } from "../../kit/subgraph";

describe("billing subgraph over a fresh SQLite silo", () => {
  const silo = tempSiloDir();
  let billing: UnitServer<BillingContext>;

  beforeAll(async () => {
    billing = await unit.create(unit.loadConfig({ BILLING_DB_URL: silo.url("billing") }));
  });
  afterAll(async () => {
    await billing.db.destroy();
    silo.cleanup();
  });

  it("answers the account holder, account, balance and invoices in the graph's language", async () => {
    const { data, errors } = await execute(
      billing.subgraph,
      `{ customer(id: "C000001") { id name email account { status currency openedAt } balance { amount currency }
         invoices(first: 2) { number issuedAt dueAt status total { amount currency } lines { amount { amount } } } } }`,
    );
    expect(errors).toBeUndefined();
    const customer = data!.customer;
    expect(customer).toMatchObject({ id: "C000001", name: "Maria Schmidt", email: "maria.schmidt@example.com", account: { status: "ACTIVE", currency: "EUR" } });
    expect(customer.balance.amount).toMatch(/^\d+\.\d{2}$/);
    expect(customer.invoices).toHaveLength(2);
    for (const invoice of customer.invoices) {
      expect(invoice.issuedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
      expect(invoice.total.amount).toMatch(/^\d+\.\d{2}$/);
    }
    expect(customer.invoices[0].issuedAt >= customer.invoices[1].issuedAt).toBe(true);
  });

  it("resolves a batch of entity representations with null for unknown ids, in few statements", async () => {
    const ids = ["C000002", "C999999", "C000003"];
    const statements = countStatements(billing.db);
    const { data, errors } = await execute(billing.subgraph, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name invoices { number lines { description } } } } }`, {
      r: ids.map((id) => ({ __typename: "Customer", id })),
    });
    statements.stop();
    expect(errors).toBeUndefined();
    expect(data!._entities.map((e: { id: string } | null) => e?.id ?? null)).toEqual(["C000002", null, "C000003"]);
    // One statement per loader (customers, invoices, lines), not per customer.
    expect(statements.count).toBe(3);
  });

  it("reads a customer's newest invoices once for the list and the timeline part of one fetch, answering each as if asked alone", async () => {
    const r = ["C000002", "C000013", "C000041"].map((id) => ({ __typename: "Customer", id }));
    const entities = (fields: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id ${fields} } } }`;
    const list = await execute(billing.subgraph, entities("invoices(first: 2) { number issuedAt status total { amount } }"), { r });
    const part = await execute(billing.subgraph, entities("billingTouchPoints"), { r });
    const statements = countStatements(billing.db);
    const both = await execute(billing.subgraph, entities("invoices(first: 2) { number issuedAt status total { amount } } billingTouchPoints"), { r });
    statements.stop();
    expect(both.errors).toBeUndefined();
    expect(both.data!._entities).toEqual(list.data!._entities.map((c: object, i: number) => ({ ...c, ...part.data!._entities[i] })));
    // The list is the start of the timeline part, which reads further back.
    expect(part.data!._entities.some((c: { billingTouchPoints: string }) => unpackTouchPoints(c.billingTouchPoints, "BILLING").length > 2)).toBe(true);
    // The customers, then one statement for the invoices of both fields, not one per field.
    expect(statements.count).toBe(2);
  });

  it("refuses an e-mail lookup by anyone but an agent in the same words, registered or not", async () => {
    const as = (identity: { role: "customer" | "partner" | "agent"; subject: string; customerId?: string }) => ({ identity });
    const tom = as({ role: "customer", subject: "C000002", customerId: "C000002" });
    const lookup = (email: string, base: ReturnType<typeof as>) => execute(billing.subgraph, `query($e: String!) { customerByEmail(email: $e) { id } }`, { e: email }, base);
    const registered = await lookup("maria.schmidt@example.com", tom);
    const unknown = await lookup("nobody-here@example.com", tom);
    // No oracle: the same answer, error and all, for an address that exists and one that does not.
    expect(unknown).toEqual(registered);
    expect(registered).toMatchObject({ data: { customerByEmail: null }, errors: [{ extensions: { code: "FORBIDDEN" } }] });
    expect(await lookup("nobody-here@example.com", as({ role: "partner", subject: "travel-co" }))).toEqual(registered);
    // Their own address, and any address for an agent, are answered.
    expect((await lookup("tom.becker@example.com", tom)).data).toEqual({ customerByEmail: { id: "C000002" } });
    expect((await lookup("maria.schmidt@example.com", as({ role: "agent", subject: "a1" }))).data).toEqual({ customerByEmail: { id: "C000001" } });
    expect(await lookup("nobody-here@example.com", as({ role: "agent", subject: "a1" }))).toEqual({ data: { customerByEmail: null } });
  });

  it("answers me from the verified token, with billing's fields null when it keeps no account", async () => {
    const me = (customerId: string) => execute(billing.subgraph, `{ me { id name } }`, undefined, { identity: { role: "customer", subject: customerId, customerId } });
    expect((await me("C000001")).data).toEqual({ me: { id: "C000001", name: "Maria Schmidt" } });
    expect(await me("C999999")).toEqual({ data: { me: { id: "C999999", name: null } } });
    expect((await execute(billing.subgraph, `{ me { id } }`)).data).toEqual({ me: null }); // an agent is not a customer
  });

  it("fails a field with a clear error naming the unit when a silo row holds invalid money", async () => {
    await billing.db("inv_hdr").insert({ inv_no: "INV-BROKEN", cust_no: "C000004", issued_local: "2026-11-20 10:00:00", due_date: "2026-12-20", stat_cd: 10, total_amt: "12,5x", curr_cd: "EUR" });
    const { data, errors } = await execute(billing.subgraph, `{ customer(id: "C000004") { name invoices(first: 1) { number total { amount } } } }`);
    // Only the invoices fail; the customer and billing's other fields stand.
    expect(data!.customer).toEqual({ name: "Jonas Weber", invoices: null });
    expect(errors?.[0].message).toMatch(/billing silo, invoice INV-BROKEN, total_amt: invalid decimal amount/);
    expect(errors?.[0].extensions).toMatchObject({ code: "SILO_DATA_INVALID", unit: "billing" });
    await billing.db("inv_hdr").where({ inv_no: "INV-BROKEN" }).delete();
  });
});
