import { Directive, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Access, Authorized, assumedSize } from "../../../kit/subgraph";
import type { BillingContext } from "../unit";
import { Customer } from "../customer/customer.type";
import { Booking, Invoice, InvoiceLine, Order, ProductRef } from "./invoice.type";

@Resolver(() => Invoice)
export class InvoiceResolver {
  @Authorized(Access.OWNER)
  @Directive(assumedSize(10))
  @FieldResolver(() => [InvoiceLine], { description: "The invoice's lines, in printed order. Owned by billing." })
  lines(@Root() invoice: Invoice, @Ctx() ctx: BillingContext): Promise<InvoiceLine[]> {
    return ctx.loaders.invoiceLines.load(invoice);
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => Customer, { nullable: true, description: "The account holder invoiced." })
  customer(@Root() invoice: Invoice, @Ctx() ctx: BillingContext): Promise<Customer | null> {
    return ctx.loaders.customer.load(invoice.customerId);
  }
}

@Resolver(() => InvoiceLine)
export class InvoiceLineResolver {
  @FieldResolver(() => ProductRef, { nullable: true, description: "The product this line charged, if any (resolved by retail)." })
  product(@Root() line: InvoiceLine): ProductRef | null {
    return line.productSku ? Object.assign(new ProductRef(), { sku: line.productSku }) : null;
  }

  @FieldResolver(() => Booking, { nullable: true, description: "The booking this line charged, if any (resolved by bookings)." })
  booking(@Root() line: InvoiceLine): Booking | null {
    return line.bookingId ? Object.assign(new Booking(), { id: line.bookingId }) : null;
  }

  @FieldResolver(() => Order, { nullable: true, description: "The order this line charged, if any (resolved by retail)." })
  order(@Root() line: InvoiceLine): Order | null {
    return line.orderId ? Object.assign(new Order(), { id: line.orderId }) : null;
  }
}

@Resolver(() => Booking)
export class BookingInvoiceResolver {
  @FieldResolver(() => Invoice, { nullable: true, description: "The invoice that charged this booking. Owned by billing." })
  invoice(@Root() booking: Booking, @Ctx() ctx: BillingContext): Promise<Invoice | null> {
    return ctx.loaders.invoiceOfBooking.load(booking.id);
  }
}

@Resolver(() => Order)
export class OrderInvoiceResolver {
  @FieldResolver(() => Invoice, { nullable: true, description: "The invoice that charged this order. Owned by billing." })
  invoice(@Root() order: Order, @Ctx() ctx: BillingContext): Promise<Invoice | null> {
    return ctx.loaders.invoiceOfOrder.load(order.id);
  }
}
