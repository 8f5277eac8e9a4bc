import { Directive, Authorized, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Access, Money, SiloDataError, assumedSize } from "../../../kit/subgraph";
import type { RetailContext } from "../unit";
import { Customer, customerRef } from "../customer/customer.type";
import { Product } from "../product/product.type";
import { orderTotal } from "./order.mapper";
import { Order, OrderLine } from "./order.type";

@Resolver(() => Order)
export class OrderResolver {
  @Authorized(Access.OWNER)
  @Directive(assumedSize(10))
  @FieldResolver(() => [OrderLine], { description: "What was bought, in item order. Owned by retail." })
  lines(@Root() order: Order, @Ctx() ctx: RetailContext): Promise<OrderLine[]> {
    return ctx.loaders.orderLines.load(order.id);
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => Money, { description: "Sum of the lines' totals. Owned by retail." })
  async total(@Root() order: Order, @Ctx() ctx: RetailContext): Promise<Money> {
    return orderTotal(order, await ctx.loaders.orderLines.load(order.id));
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => Customer, { description: "The customer who placed the order. Their details come from the other units." })
  customer(@Root() order: Order): Customer {
    return customerRef(order.customerId);
  }
}

@Resolver(() => OrderLine)
export class OrderLineResolver {
  @FieldResolver(() => Product, { description: "The product bought. Owned by retail." })
  async product(@Root() line: OrderLine, @Ctx() ctx: RetailContext): Promise<Product> {
    const product = await ctx.loaders.product.load(line.sku);
    // rt_order_item.sku is a foreign key, so this only fails on a silo that lost it.
    if (!product) throw new SiloDataError(`retail silo, order ${line.orderId} item ${line.seq}: unknown sku ${JSON.stringify(line.sku)}`);
    return product;
  }
}

export function resolveOrderReference(ref: { id: string }, ctx: RetailContext): Promise<Order | null> {
  return ctx.loaders.order.load(ref.id);
}
