import { byKey, listByKey, perArguments } from "../../kit";
import type { AccountRepository } from "./customer/customer.repository";
import type { InvoiceRepository } from "./invoice/invoice.repository";
import type { InvoiceStatus } from "./invoice/invoice.type";

export interface BillingRepositories {
  accounts: AccountRepository;
  invoices: InvoiceRepository;
}

/** Billing's loaders, made fresh for every request. */
export function createLoaders(repos: BillingRepositories) {
  return {
    customer: byKey((ids: readonly string[]) => repos.accounts.byIds(ids)),
    invoice: byKey((numbers: readonly string[]) => repos.invoices.byNumbers(numbers)),
    invoicesOf: perArguments((args: { status: InvoiceStatus | null; first: number }) => listByKey((ids: readonly string[]) => repos.invoices.byCustomers(ids, args))),
    invoiceLines: listByKey((numbers: readonly string[]) => repos.invoices.linesOf(numbers)),
    invoiceOfBooking: byKey((ids: readonly string[]) => repos.invoices.chargingInvoices("bkg_ref", ids)),
    invoiceOfOrder: byKey((ids: readonly string[]) => repos.invoices.chargingInvoices("ord_ref", ids)),
    outstanding: byKey((ids: readonly string[]) => repos.invoices.outstanding(ids)),
  };
}

export type BillingLoaders = ReturnType<typeof createLoaders>;
