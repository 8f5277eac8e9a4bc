import { expectReadsOnly } from "../../test/support/columns";
import { ACCOUNT_COLUMNS, AccountRepository } from "./customer/customer.repository";
import { INVOICE_COLUMNS, INVOICE_LINE_COLUMNS, toInvoice, toInvoiceLine } from "./invoice/invoice.mapper";

/** Billing's statements select their lists, not `*`: each mapper reads only what its list names. */
describe("billing's column lists", () => {
  it("name every field the invoice mapper reads", () => {
    const row = { inv_no: "INV-1", cust_no: "C000001", issued_local: "2025-01-10 09:30:00", due_date: "2025-02-09", stat_cd: 10, total_amt: 12.5, curr_cd: "EUR" };
    expectReadsOnly(INVOICE_COLUMNS, (r: typeof row) => toInvoice(r, "Europe/Berlin"), row);
  });

  it("name every field the line mapper reads", () => {
    const row = { inv_no: "INV-1", line_no: 1, descr: "Stay", line_amt: 12.5, bkg_ref: "BK1", ord_ref: "O1", sku_ref: "SKU1" };
    expectReadsOnly(INVOICE_LINE_COLUMNS, (r: typeof row) => toInvoiceLine(r, "EUR"), row);
  });

  it("name every field the account mapper reads", () => {
    const row = { cust_no: "C000001", acct_no: "A1", full_nm: "Ada", email_addr: "ada@example.com", phone_no: null, acct_stat: "A", curr_cd: "EUR", credit_lim: 100, opened_local: "2020-01-01 10:00:00" };
    const accounts = new AccountRepository(null as never, "Europe/Berlin");
    expectReadsOnly(ACCOUNT_COLUMNS, (r: typeof row) => accounts.toCustomer(r), row);
  });
});
