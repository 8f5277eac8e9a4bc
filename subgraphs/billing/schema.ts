import { type FederatedSchema, buildFederatedSchema } from "../../kit";
import type { BillingContext } from "./context";
import { CustomerResolver, resolveCustomerReference } from "./customer/customer.resolver";
import { BookingInvoiceResolver, InvoiceLineResolver, InvoiceResolver, OrderInvoiceResolver } from "./invoice/invoice.resolver";
import { Booking, Order } from "./invoice/invoice.type";

/** Billing's subgraph schema; needs no database, so composition can build it. */
export function buildBillingSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema(
    { resolvers: [CustomerResolver, InvoiceResolver, InvoiceLineResolver, BookingInvoiceResolver, OrderInvoiceResolver] },
    {
      Customer: { __resolveReference: (ref: { id: string }, ctx: BillingContext) => resolveCustomerReference(ref, ctx) },
      Invoice: { __resolveReference: (ref: { number: string }, ctx: BillingContext) => ctx.loaders.invoice.load(ref.number) },
      Booking: { __resolveReference: (ref: { id: string }) => Object.assign(new Booking(), { id: ref.id }) },
      Order: { __resolveReference: (ref: { id: string }) => Object.assign(new Order(), { id: ref.id }) },
    },
  );
}
