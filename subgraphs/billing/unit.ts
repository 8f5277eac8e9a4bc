import { type ContextOf, byKey, defineUnit, listOfParent, newestPerArguments, timeZone } from "../../kit/subgraph";
import { generateWorld } from "../../demo/world";
import { AccountRepository } from "./customer/customer.repository";
import { CustomerResolver, resolveCustomerReference } from "./customer/customer.resolver";
import { InvoiceRepository } from "./invoice/invoice.repository";
import { BookingInvoiceResolver, InvoiceLineResolver, InvoiceResolver, OrderInvoiceResolver } from "./invoice/invoice.resolver";
import { Booking, type Invoice, type InvoiceStatus, Order } from "./invoice/invoice.type";
import { billingMigrations } from "./silo/migrations";
import { billingOutbox } from "./silo/outbox";
import { seedBilling } from "./silo/seed";

/** Billing: the account holder (name, contact details), balances and invoices. Defaults run the embedded SQLite silo under ./data. */
export const unit = defineUnit({
  name: "billing",
  port: 4002,
  settings: {
    BILLING_SILO_TIMEZONE: timeZone("Time zone of the billing silo's local DATETIME columns (IANA name).", "Europe/Berlin"),
  },
  silo: {
    migrations: billingMigrations,
    // No write of the graph reaches billing yet; its outbox and relay are ready for the first one.
    outbox: (config) => billingOutbox(config.BILLING_SILO_TIMEZONE),
    seedProbeTable: "acct_holder",
    seed: (db, seed, config) => seedBilling(db, generateWorld(seed), config.BILLING_SILO_TIMEZONE),
  },
  schema: {
    resolvers: [CustomerResolver, InvoiceResolver, InvoiceLineResolver, BookingInvoiceResolver, OrderInvoiceResolver],
    references: {
      Customer: { __resolveReference: resolveCustomerReference },
      Invoice: { __resolveReference: (ref: { number: string }, ctx: BillingContext) => ctx.loaders.invoice.load(ref.number) },
      Booking: { __resolveReference: (ref: { id: string }) => Object.assign(new Booking(), { id: ref.id }) },
      Order: { __resolveReference: (ref: { id: string }) => Object.assign(new Order(), { id: ref.id }) },
    },
  },
  repositories: ({ db, config }) => ({ accounts: new AccountRepository(db, config.BILLING_SILO_TIMEZONE), invoices: new InvoiceRepository(db, config.BILLING_SILO_TIMEZONE) }),
  loaders: (repos) => ({
    customer: byKey((ids: readonly string[]) => repos.accounts.byIds(ids)),
    invoice: byKey((numbers: readonly string[]) => repos.invoices.byNumbers(numbers)),
    invoicesOf: newestPerArguments((ids, args: { status: InvoiceStatus | null; first: number }) => repos.invoices.byCustomers(ids, args)),
    invoiceLines: listOfParent(
      (invoice: Invoice) => invoice.number,
      (invoices) => repos.invoices.linesOf(invoices),
    ),
    invoiceOfBooking: byKey((ids: readonly string[]) => repos.invoices.chargingInvoices("bkg_ref", ids)),
    invoiceOfOrder: byKey((ids: readonly string[]) => repos.invoices.chargingInvoices("ord_ref", ids)),
    outstanding: byKey((ids: readonly string[]) => repos.invoices.outstanding(ids)),
  }),
});

/** A request's context in billing, as the kit builds it from the declaration above. */
export type BillingContext = ContextOf<typeof unit>;
