import type { RequestBase } from "../../kit";
import type { PromotionsLoaders, PromotionsRepositories } from "./loaders";

export interface PromotionsContext extends RequestBase {
  repos: PromotionsRepositories;
  loaders: PromotionsLoaders;
  /** One instant per request, so every offer in a response is judged at the same moment. */
  now: number;
}
