import type { UnitDefinition } from "../../kit";
import { type RetailConfig, loadRetailConfig, retailSettings } from "./config";
import { buildRetailSchema } from "./schema";
import { createRetailServer } from "./server";

export const unit: UnitDefinition<RetailConfig> = {
  name: "retail",
  settings: retailSettings,
  loadConfig: loadRetailConfig,
  listenOn: (c) => ({ port: c.RETAIL_PORT, host: c.RETAIL_HOST }),
  buildSchema: buildRetailSchema,
  create: createRetailServer,
};
