import { type UnitDefinition, unitRuntime } from "../../kit";
import { type CareConfig, careSettings, loadCareConfig } from "./config";
import { buildCareSchema } from "./schema";
import { createCareServer } from "./server";

export const unit: UnitDefinition<CareConfig> = {
  name: "care",
  settings: careSettings,
  loadConfig: loadCareConfig,
  listenOn: (c) => unitRuntime(c, "CARE"),
  buildSchema: buildCareSchema,
  create: createCareServer,
};
