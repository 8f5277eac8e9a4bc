import { type UnitDefinition, unitRuntime } from "../../kit";
import { type PromotionsConfig, loadPromotionsConfig, promotionsSettings } from "./config";
import { buildPromotionsSchema } from "./schema";
import { createPromotionsServer } from "./server";

export const unit: UnitDefinition<PromotionsConfig> = {
  name: "promotions",
  settings: promotionsSettings,
  loadConfig: loadPromotionsConfig,
  listenOn: (c) => unitRuntime(c, "PROMOTIONS"),
  buildSchema: buildPromotionsSchema,
  create: (config) => createPromotionsServer(config),
};
