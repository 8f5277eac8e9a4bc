import { Authorized, Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Access, Money } from "../../../kit/subgraph";

export enum InvoiceStatus {
  OPEN = "OPEN",
  PAID = "PAID",
  OVERDUE = "OVERDUE",
  VOID = "VOID",
}
registerEnumType(InvoiceStatus, { name: "InvoiceStatus", description: "Where an invoice stands. Owned by billing." });

/** A product as billing refers to it: retail owns it, billing only holds its SKU. */
// Described by its owner, retail.
@ObjectType("Product")
@Directive(`@key(fields: "sku", resolvable: false)`)
export class ProductRef {
  @Field(() => ID)
  sku!: string;
}

@ObjectType({ description: "A hotel booking, owned by bookings; billing adds the invoice that charged it." })
@Directive(`@key(fields: "id")`)
export class Booking {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ description: "A retail order, owned by retail; billing adds the invoice that charged it." })
@Directive(`@key(fields: "id")`)
export class Order {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ description: "One line of an invoice. Owned by billing." })
export class InvoiceLine {
  @Field({ description: "What was charged, as printed on the invoice." })
  description!: string;

  @Field(() => Money, { description: "Amount of this line." })
  amount!: Money;

  /** SKU or booking id this line charged, if any; resolved by their units. */
  productSku!: string | null;
  bookingId!: string | null;
  orderId!: string | null;
}

@ObjectType({ description: "An invoice issued to the account holder. Owned by billing." })
@Directive(`@key(fields: "number")`)
export class Invoice {
  @Authorized(Access.OWNER)
  @Field(() => ID, { description: "Invoice number, e.g. INV-0000042." })
  number!: string;

  @Authorized(Access.OWNER)
  @Field({ description: "When the invoice was issued, ISO-8601 UTC." })
  issuedAt!: string;

  @Authorized(Access.OWNER)
  @Field({ description: "When payment is due (end of the due day in billing's time zone), ISO-8601 UTC." })
  dueAt!: string;

  @Authorized(Access.OWNER)
  @Field(() => InvoiceStatus, { description: "Where the invoice stands: open, paid, overdue or void. Owned by billing." })
  status!: InvoiceStatus;

  @Authorized(Access.OWNER)
  @Field(() => Money, { description: "Invoice total." })
  total!: Money;

  customerId!: string;
}
