import type { RequestBase } from "../../kit";
import type { BillingLoaders, BillingRepositories } from "./loaders";

export interface BillingContext extends RequestBase {
  repos: BillingRepositories;
  loaders: BillingLoaders;
}
