import type { EventBus, GraphReader, RequestBase } from "../../kit";
import type { PromotionsLoaders, PromotionsRepositories } from "./loaders";
import type { Redeemer } from "./redemption/redeem";

export interface PromotionsContext extends RequestBase {
  repos: PromotionsRepositories;
  loaders: PromotionsLoaders;
  /** One instant per request, so every offer in a response is judged at the same moment. */
  now: number;
  /** The live graph, to check writes that depend on other units. */
  graph: GraphReader;
  redeemer: Redeemer;
  /** The event broker, for `customerChanged` subscribers. */
  bus: EventBus;
}
