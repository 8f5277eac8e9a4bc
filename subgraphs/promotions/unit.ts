import type { UnitDefinition } from "../../kit";
import { type PromotionsConfig, loadPromotionsConfig, promotionsSettings } from "./config";
import { buildPromotionsSchema } from "./schema";
import { createPromotionsServer } from "./server";

export const unit: UnitDefinition<PromotionsConfig> = {
  name: "promotions",
  settings: promotionsSettings,
  loadConfig: loadPromotionsConfig,
  listenOn: (c) => ({ port: c.PROMOTIONS_PORT, host: c.PROMOTIONS_HOST }),
  buildSchema: buildPromotionsSchema,
  create: (config) => createPromotionsServer(config),
};
