import type { Knex } from "knex";
import { Statements, decimalToMinor, groupBy, newestPerKey } from "../../../kit/subgraph";
import { type InvoiceLineRow, type InvoiceRow, CODE_BY_STATUS, toInvoice, toInvoiceLine } from "./invoice.mapper";
import type { Invoice, InvoiceLine, InvoiceStatus } from "./invoice.type";

/** Every statement billing runs against `inv_hdr` / `inv_line`. */
export class InvoiceRepository {
  private readonly statements = new Statements();

  constructor(
    private readonly db: Knex,
    private readonly timeZone: string,
  ) {}

  async byNumbers(numbers: readonly string[]): Promise<Map<string, Invoice>> {
    const rows = await this.statements.rows<InvoiceRow>(this.db, "byNumbers", numbers, (keys) => this.db("inv_hdr").whereIn("inv_no", keys));
    return new Map(rows.map((r) => [r.inv_no, toInvoice(r, this.timeZone)]));
  }

  /** Newest first, at most `first` per customer, for many customers at once. */
  async byCustomers(customerIds: readonly string[], args: { status?: InvoiceStatus | null; first: number }): Promise<Map<string, Invoice[]>> {
    const status = args.status ?? null;
    const rows = await this.statements.rows<InvoiceRow>(
      this.db,
      "byCustomers",
      customerIds,
      (keys) => {
        let base = this.db("inv_hdr").select("inv_hdr.*").whereIn("cust_no", keys);
        if (status) base = base.where("stat_cd", CODE_BY_STATUS[status]);
        return newestPerKey(
          this.db,
          base,
          "cust_no",
          [
            { column: "issued_local", order: "desc" },
            { column: "inv_no", order: "desc" },
          ],
          args.first,
        );
      },
      [status, args.first],
    );
    return groupBy(
      rows.map((r) => toInvoice(r, this.timeZone)),
      (i) => i.customerId,
    );
  }

  async linesOf(numbers: readonly string[]): Promise<Map<string, InvoiceLine[]>> {
    const rows = await this.statements.rows<InvoiceLineRow & { curr_cd: string }>(this.db, "linesOf", numbers, (keys) =>
      this.db("inv_line")
        .join("inv_hdr", "inv_hdr.inv_no", "inv_line.inv_no")
        .select("inv_line.*", "inv_hdr.curr_cd")
        .whereIn("inv_line.inv_no", keys)
        .orderBy([{ column: "inv_line.inv_no" }, { column: "inv_line.line_no" }]),
    );
    const grouped = groupBy(rows, (r) => r.inv_no);
    return new Map([...grouped].map(([number, lines]) => [number, lines.map((l) => toInvoiceLine(l, l.curr_cd))]));
  }

  /** The invoice that charged each booking (or order): `column` is `bkg_ref` or `ord_ref`. */
  async chargingInvoices(column: "bkg_ref" | "ord_ref", refs: readonly string[]): Promise<Map<string, Invoice>> {
    const rows = await this.statements.rows<InvoiceRow & { ref: string }>(
      this.db,
      "chargingInvoices",
      refs,
      (keys) => this.db("inv_line").join("inv_hdr", "inv_hdr.inv_no", "inv_line.inv_no").distinct("inv_hdr.*", `inv_line.${column} as ref`).whereIn(`inv_line.${column}`, keys),
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
