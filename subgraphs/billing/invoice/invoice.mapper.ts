import { businessUnit, SiloDataError, type TouchPoint, columnsOf, isoFromLocal, isoFromLocalDayAt, moneyFromDecimal, touchPoint } from "../../../kit/subgraph";
import { Invoice, InvoiceLine, InvoiceStatus } from "./invoice.type";

/** Rows as the billing silo stores them. */
export interface InvoiceRow {
  inv_no: string;
  cust_no: string;
  issued_local: string | Date;
  due_date: string | Date;
  stat_cd: number | string;
  total_amt: string | number;
  curr_cd: string;
}

/** What billing's statements select from `inv_hdr`: every field of InvoiceRow. */
export const INVOICE_COLUMNS = columnsOf<InvoiceRow>()(["inv_hdr.inv_no", "inv_hdr.cust_no", "inv_hdr.issued_local", "inv_hdr.due_date", "inv_hdr.stat_cd", "inv_hdr.total_amt", "inv_hdr.curr_cd"]);

export interface InvoiceLineRow {
  inv_no: string;
  line_no: number;
  descr: string;
  line_amt: string | number;
  bkg_ref: string | null;
  ord_ref: string | null;
  sku_ref: string | null;
}

/** What billing's statements select from `inv_line`: every field of InvoiceLineRow. */
export const INVOICE_LINE_COLUMNS = columnsOf<InvoiceLineRow>()(["inv_no", "line_no", "descr", "line_amt", "bkg_ref", "ord_ref", "sku_ref"]);

const STATUS_BY_CODE: Record<string, InvoiceStatus> = { "10": InvoiceStatus.OPEN, "20": InvoiceStatus.PAID, "30": InvoiceStatus.OVERDUE, "90": InvoiceStatus.VOID };
export const CODE_BY_STATUS: Record<InvoiceStatus, number> = { OPEN: 10, PAID: 20, OVERDUE: 30, VOID: 90 };

export function toInvoice(row: InvoiceRow, timeZone: string): Invoice {
  const where = `billing silo, invoice ${row.inv_no}`;
  const status = STATUS_BY_CODE[String(row.stat_cd)];
  if (!status) throw new SiloDataError(`${where}: unknown status code ${JSON.stringify(row.stat_cd)}`);
  return Object.assign(new Invoice(), {
    number: row.inv_no,
    customerId: row.cust_no,
    issuedAt: isoFromLocal(row.issued_local, timeZone, `${where}, issued_local`),
    dueAt: isoFromLocalDayAt(row.due_date, "23:59:59", timeZone, `${where}, due_date`),
    status,
    total: moneyFromDecimal(row.total_amt, row.curr_cd, `${where}, total_amt`),
  });
}

export function toInvoiceLine(row: InvoiceLineRow, currency: string): InvoiceLine {
  return Object.assign(new InvoiceLine(), {
    description: row.descr,
    amount: moneyFromDecimal(row.line_amt, currency, `billing silo, invoice ${row.inv_no} line ${row.line_no}, line_amt`),
    productSku: row.sku_ref,
    bookingId: row.bkg_ref,
    orderId: row.ord_ref,
  });
}

export function invoiceTouchPoint(invoice: Invoice): TouchPoint {
  return touchPoint({
    at: invoice.issuedAt,
    unit: businessUnit("billing"),
    channel: null,
    kind: "invoice",
    summary: `Invoice ${invoice.number} issued for ${invoice.total.amount} ${invoice.total.currency} (${invoice.status.toLowerCase()})`,
    ref: invoice.number,
  });
}
