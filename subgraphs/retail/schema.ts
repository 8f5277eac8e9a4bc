import { type FederatedSchema, buildFederatedSchema } from "../../kit";
import type { RetailContext } from "./context";
import { CustomerResolver, resolveCustomerReference } from "./customer/customer.resolver";
import { Customer } from "./customer/customer.type";
import { OrderLineResolver, OrderResolver, resolveOrderReference } from "./order/order.resolver";
import { Order } from "./order/order.type";
import { ProductResolver, resolveProductReference } from "./product/product.resolver";
import { resolveQuoteReference } from "./quote/quote.resolver";
import { Quote } from "./quote/quote.type";

/** Retail's subgraph schema; needs no database, so composition can build it. */
export function buildRetailSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema(
    // Customer, Order and Quote are reached only through `_entities` (no retail Query returns them),
    // and type-graphql prints only types reachable from Query unless named here.
    { resolvers: [ProductResolver, OrderResolver, OrderLineResolver, CustomerResolver], orphanedTypes: [Customer, Order, Quote] },
    {
      Product: { __resolveReference: (ref: { sku: string }, ctx: RetailContext) => resolveProductReference(ref, ctx) },
      Order: { __resolveReference: (ref: { id: string }, ctx: RetailContext) => resolveOrderReference(ref, ctx) },
      Customer: { __resolveReference: (ref: { id: string }) => resolveCustomerReference(ref) },
      Quote: { __resolveReference: (ref: { id: string }, ctx: RetailContext) => resolveQuoteReference(ref, ctx) },
    },
  );
}
