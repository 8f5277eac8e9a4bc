import { byKey, listByKey, perArguments } from "../../kit";
import type { LoyaltyRepository } from "./loyalty/loyalty.repository";
import type { OrderRepository } from "./order/order.repository";
import type { ProductRepository } from "./product/product.repository";

export interface RetailRepositories {
  products: ProductRepository;
  orders: OrderRepository;
  loyalty: LoyaltyRepository;
}

/** Retail's loaders, made fresh for every request. */
export function createLoaders(repos: RetailRepositories) {
  return {
    product: byKey((skus: readonly string[]) => repos.products.bySkus(skus)),
    order: byKey((ids: readonly string[]) => repos.orders.byIds(ids)),
    ordersOf: perArguments((args: { first: number }) => listByKey((ids: readonly string[]) => repos.orders.byCustomers(ids, args))),
    orderLines: listByKey((ids: readonly string[]) => repos.orders.linesOf(ids)),
    loyalty: byKey((customerIds: readonly string[]) => repos.loyalty.byCustomers(customerIds)),
  };
}

export type RetailLoaders = ReturnType<typeof createLoaders>;
