import { Authorized, Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { Access, Channel, Money } from "../../../kit/subgraph";

@ObjectType({ description: "A retail order, owned by retail; billing adds the invoice that charged it." })
@Directive(`@key(fields: "id")`)
export class Order {
  @Authorized(Access.OWNER)
  @Field(() => ID, { description: "Order number, e.g. ORD-0000042. Owned by retail." })
  id!: string;

  @Authorized(Access.OWNER)
  @Field({ description: "When the order was placed, ISO-8601 UTC. Owned by retail." })
  placedAt!: string;

  @Authorized(Access.OWNER)
  @Field(() => Channel, { description: "Channel the order was placed through. Owned by retail." })
  channel!: Channel;

  customerId!: string;
}

@ObjectType({ description: "One line of a retail order. Owned by retail." })
export class OrderLine {
  @Field(() => Int, { description: "How many units were bought. Owned by retail." })
  quantity!: number;

  @Field(() => Money, { description: "Price of one unit as charged on the order (not today's list price). Owned by retail." })
  unitPrice!: Money;

  @Field(() => Money, { description: "unitPrice × quantity. Owned by retail." })
  lineTotal!: Money;

  orderId!: string;
  seq!: number;
  sku!: string;
}
