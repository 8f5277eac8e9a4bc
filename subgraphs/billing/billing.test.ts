import { tempSiloDir, countStatements } from "../../test/support/silo";
import { execute } from "../../test/support/execute";
import { loadBillingConfig } from "./config";
import { type BillingServer, createBillingServer } from "./server";

describe("billing subgraph over a fresh SQLite silo", () => {
  const silo = tempSiloDir();
  let billing: BillingServer;

  beforeAll(async () => {
    billing = await createBillingServer(loadBillingConfig({ BILLING_DB_URL: silo.url("billing") }));
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
    const { data, errors } = await execute(
      billing.subgraph,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name invoices { number lines { description } } } } }`,
      { r: ids.map((id) => ({ __typename: "Customer", id })) },
    );
    statements.stop();
    expect(errors).toBeUndefined();
    expect(data!._entities.map((e: { id: string } | null) => e?.id ?? null)).toEqual(["C000002", null, "C000003"]);
    // One statement per loader (customers, invoices, lines), not per customer.
    expect(statements.count).toBe(3);
  });

  it("fails a field with a clear error naming the unit when a silo row holds invalid money", async () => {
    await billing.db("inv_hdr").insert({ inv_no: "INV-BROKEN", cust_no: "C000004", issued_local: "2026-11-20 10:00:00", due_date: "2026-12-20", stat_cd: 10, total_amt: "12,5x", curr_cd: "EUR" });
    const { data, errors } = await execute(billing.subgraph, `{ customer(id: "C000004") { name invoices(first: 1) { number total { amount } } } }`);
    expect(data?.customer?.name ?? null).toBeNull();
    expect(errors?.[0].message).toMatch(/billing silo, invoice INV-BROKEN, total_amt: invalid decimal amount/);
    expect(errors?.[0].extensions).toMatchObject({ code: "SILO_DATA_INVALID", unit: "billing" });
    await billing.db("inv_hdr").where({ inv_no: "INV-BROKEN" }).delete();
  });
});
