import type { RequestBase } from "../../kit";
import type { RetailLoaders, RetailRepositories } from "./loaders";

export interface RetailContext extends RequestBase {
  repos: RetailRepositories;
  loaders: RetailLoaders;
}
