import { byKey } from "../../kit";
import type { CustomerRepository } from "./customer/customer.repository";

export interface CareRepositories {
  customers: CustomerRepository;
}

/** Care's loaders, made fresh for every request. */
export function createLoaders(repos: CareRepositories) {
  return {
    careSince: byKey((ids: readonly string[]) => repos.customers.careSince(ids)),
  };
}

export type CareLoaders = ReturnType<typeof createLoaders>;
