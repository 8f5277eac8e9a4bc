import { type ContextOf, byKey, defineUnit, listByKey, newestPerArguments } from "../../kit/subgraph";
import { generateWorld } from "../../demo/world";
import { CustomerResolver, resolveCustomerReference } from "./customer/customer.resolver";
import { Customer } from "./customer/customer.type";
import { LoyaltyRepository } from "./loyalty/loyalty.repository";
import { OrderRepository } from "./order/order.repository";
import { OrderLineResolver, OrderResolver, resolveOrderReference } from "./order/order.resolver";
import { Order } from "./order/order.type";
import { ProductRepository } from "./product/product.repository";
import { ProductResolver, resolveProductReference } from "./product/product.resolver";
import { resolveQuoteReference } from "./quote/quote.resolver";
import { Quote } from "./quote/quote.type";
import { retailMigrations } from "./silo/migrations";
import { retailOutbox } from "./silo/outbox";
import { seedRetail } from "./silo/seed";

/** Retail: products, list prices, orders and loyalty membership. Defaults run the embedded SQLite silo under ./data. */
export const unit = defineUnit({
  name: "retail",
  port: 4003,
  silo: {
    migrations: retailMigrations,
    // No write of the graph reaches retail yet; its outbox and relay are ready for the first one.
    outbox: retailOutbox,
    seedProbeTable: "rt_product",
    seed: (db, seed) => seedRetail(db, generateWorld(seed)),
  },
  schema: {
    // Customer, Order and Quote are reached only through `_entities` (no retail Query returns them),
    // and type-graphql prints only types reachable from Query unless named here.
    resolvers: [ProductResolver, OrderResolver, OrderLineResolver, CustomerResolver],
    orphanedTypes: [Customer, Order, Quote],
    references: {
      Product: { __resolveReference: resolveProductReference },
      Order: { __resolveReference: resolveOrderReference },
      Customer: { __resolveReference: resolveCustomerReference },
      Quote: { __resolveReference: resolveQuoteReference },
    },
  },
  repositories: ({ db }) => ({ products: new ProductRepository(db), orders: new OrderRepository(db), loyalty: new LoyaltyRepository(db) }),
  loaders: (repos) => ({
    product: byKey((skus: readonly string[]) => repos.products.bySkus(skus)),
    order: byKey((ids: readonly string[]) => repos.orders.byIds(ids)),
    ordersOf: newestPerArguments((ids, args: { first: number }) => repos.orders.byCustomers(ids, args)),
    orderLines: listByKey((ids: readonly string[]) => repos.orders.linesOf(ids)),
    loyalty: byKey((customerIds: readonly string[]) => repos.loyalty.byCustomers(customerIds)),
  }),
});

/** A request's context in retail, as the kit builds it from the declaration above. */
export type RetailContext = ContextOf<typeof unit>;
