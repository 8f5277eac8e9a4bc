import { describeOnEveryDialect, expectEveryDialectToRead } from "../../test/support/dialects";
import { unit } from "./unit";

const customers = (...ids: string[]) => ids.map((id) => ({ __typename: "Customer", id }));

/** Every statement billing's repositories run, asked the same way of each dialect. */
const OPERATIONS = {
  holder: { query: `{ customer(id: "C000001") { id name email phone account { number status currency creditLimit { amount } openedAt } balance { amount currency } } }` },
  invoices: {
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id balance { amount }
      all: invoices(first: 5) { number issuedAt dueAt status total { amount currency } lines { description amount { amount } product { sku } booking { id } order { id } } }
      paid: invoices(status: PAID, first: 2) { number } billingTouchPoints } } }`,
    variables: { r: customers("C000001", "C000002", "C000003", "C000500", "C999999") },
  },
  byEmail: { query: `{ customerByEmail(email: " MARIA.Schmidt@example.com ") { id } }` },
  search: { query: `{ a: searchCustomers(text: "mar", first: 50) { id } b: searchCustomers(text: "C00010") { id } c: searchCustomers(text: "a_b%") { id } }` },
  charged: {
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Booking { id invoice { number total { amount } } } ... on Order { id invoice { number } } ... on Invoice { number status } } }`,
    variables: {
      r: [
        { __typename: "Booking", id: "BK0000001" },
        { __typename: "Order", id: "ORD-0000001" },
        { __typename: "Invoice", number: "INV-0000001" },
        { __typename: "Booking", id: "BK9999999" },
      ],
    },
  },
};

describeOnEveryDialect(
  "billing",
  (url) => unit.create(unit.loadConfig({ BILLING_DB_URL: url })),
  OPERATIONS,
  (booted) => {
    it("keeps DECIMAL money exact and reads local DATETIMEs as the same UTC instants on each dialect", () =>
      expectEveryDialectToRead(
        booted(),
        async ({ server }) => {
          await server.db("acct_holder").insert({ cust_no: "C900001", acct_no: "AC900001", full_nm: "Exact Money", email_addr: "exact@example.com", acct_stat: "A", curr_cd: "EUR", credit_lim: "9999999999.99", opened_local: "2026-03-29 03:30:00" });
          const invoice = (inv_no: string, day: string, stat_cd: number, total_amt: string) => ({ inv_no, cust_no: "C900001", issued_local: `2026-07-${day} 12:00:00`, due_date: "2026-07-31", stat_cd, total_amt, curr_cd: "EUR" });
          await server.db("inv_hdr").insert([invoice("INV-X1", "01", 10, "0.10"), invoice("INV-X2", "02", 10, "0.20"), invoice("INV-X3", "03", 30, "9999999999.69"), invoice("INV-X4", "04", 20, "-0.01")]);
        },
        { query: `{ customer(id: "C900001") { account { creditLimit { amount } openedAt } balance { amount } invoices { number issuedAt dueAt total { amount } } } }` },
        {
          customer: {
            // Berlin: summer time began at 02:00 that morning (UTC+2).
            account: { creditLimit: { amount: "9999999999.99" }, openedAt: "2026-03-29T01:30:00.000Z" },
            balance: { amount: "9999999999.99" }, // open and overdue: 0.10 + 0.20 + 9999999999.69
            invoices: [
              { number: "INV-X4", issuedAt: "2026-07-04T10:00:00.000Z", dueAt: "2026-07-31T21:59:59.000Z", total: { amount: "-0.01" } },
              { number: "INV-X3", issuedAt: "2026-07-03T10:00:00.000Z", dueAt: "2026-07-31T21:59:59.000Z", total: { amount: "9999999999.69" } },
              { number: "INV-X2", issuedAt: "2026-07-02T10:00:00.000Z", dueAt: "2026-07-31T21:59:59.000Z", total: { amount: "0.20" } },
              { number: "INV-X1", issuedAt: "2026-07-01T10:00:00.000Z", dueAt: "2026-07-31T21:59:59.000Z", total: { amount: "0.10" } },
            ],
          },
        },
      ));
  },
);
