import type { Knex } from "knex";
import { Statements, decimalToMinor } from "../../../kit/subgraph";
import { type InvoiceLineRow, type InvoiceRow, CODE_BY_STATUS, INVOICE_COLUMNS, INVOICE_LINE_COLUMNS, toInvoice, toInvoiceLine } from "./invoice.mapper";
import type { Invoice, InvoiceLine, InvoiceStatus } from "./invoice.type";

/** Every statement billing runs against `inv_hdr` / `inv_line`. */
export class InvoiceRepository {
  private readonly statements = new Statements();

  constructor(
    private readonly db: Knex,
    private readonly timeZone: string,
  ) {}

  async byNumbers(numbers: readonly string[]): Promise<Map<string, Invoice>> {
    const rows = await this.statements.rows<InvoiceRow>(this.db, "byNumbers", numbers, (keys) => this.db("inv_hdr").select(INVOICE_COLUMNS).whereIn("inv_no", keys));
    return new Map(rows.map((r) => [r.inv_no, toInvoice(r, this.timeZone)]));
  }

  /** Newest first, at most `first` per customer, for many customers at once. */
  async byCustomers(customerIds: readonly string[], args: { status?: InvoiceStatus | null; first: number }): Promise<Map<string, Invoice[]>> {
    const status = args.status ?? null;
    const lists = await this.statements.newest<InvoiceRow>(
      this.db,
      "byCustomers",
      customerIds,
      {
        columns: INVOICE_COLUMNS,
        key: "inv_hdr.cust_no",
        orderBy: [
          { column: "issued_local", order: "desc" },
          { column: "inv_no", order: "desc" },
        ],
        first: args.first,
      },
      (keys) => {
        const base = this.db("inv_hdr").whereIn("cust_no", keys);
        return status ? base.where("stat_cd", CODE_BY_STATUS[status]) : base;
      },
      status,
    );
    return new Map([...lists].map(([customerId, rows]) => [customerId, rows.map((r) => toInvoice(r, this.timeZone))]));
  }

  /** The lines of many invoices in one statement, in printed order; each line is in its invoice's currency. */
  async linesOf(invoices: readonly Pick<Invoice, "number" | "total">[]): Promise<Map<string, InvoiceLine[]>> {
    const currencyOf = new Map(invoices.map((i) => [i.number, i.total.currency]));
    const rows = await this.statements.rows<InvoiceLineRow>(this.db, "linesOf", [...currencyOf.keys()], (keys) =>
      this.db("inv_line")
        .select(INVOICE_LINE_COLUMNS)
        .whereIn("inv_no", keys)
        .orderBy([{ column: "inv_no" }, { column: "line_no" }]),
    );
    const out = new Map<string, InvoiceLine[]>();
    for (const row of rows) {
      const line = toInvoiceLine(row, currencyOf.get(row.inv_no)!);
      const lines = out.get(row.inv_no);
      if (lines) lines.push(line);
      else out.set(row.inv_no, [line]);
    }
    return out;
  }

  /** The invoice that charged each booking (or order): `column` is `bkg_ref` or `ord_ref`. */
  async chargingInvoices(column: "bkg_ref" | "ord_ref", refs: readonly string[]): Promise<Map<string, Invoice>> {
    const rows = await this.statements.rows<InvoiceRow & { ref: string }>(
      this.db,
      "chargingInvoices",
      refs,
      (keys) =>
        this.db("inv_line")
          .join("inv_hdr", "inv_hdr.inv_no", "inv_line.inv_no")
          .distinct([...INVOICE_COLUMNS, `inv_line.${column} as ref`])
          .whereIn(`inv_line.${column}`, keys),
      column,
    );
    return new Map(rows.map((r) => [r.ref, toInvoice(r, this.timeZone)]));
  }

  /** What each customer owes: open and overdue invoices, summed exactly. */
  async outstanding(customerIds: readonly string[]): Promise<Map<string, bigint>> {
    const rows = await this.statements.rows<{ cust_no: string; owed: string | number }>(this.db, "outstanding", customerIds, (keys) =>
      this.db("inv_hdr")
        .select("cust_no")
        // ROUND: SQLite sums DECIMAL as floating point; two places are exact.
        .select(this.db.raw("round(sum(total_amt), 2) as owed"))
        .whereIn("cust_no", keys)
        .whereIn("stat_cd", [CODE_BY_STATUS.OPEN, CODE_BY_STATUS.OVERDUE])
        .groupBy("cust_no"),
    );
    return new Map(rows.map((r) => [r.cust_no, decimalToMinor(r.owed, `billing silo, balance of ${r.cust_no}`)]));
  }
}
