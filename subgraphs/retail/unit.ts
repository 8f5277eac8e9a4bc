import { type UnitDefinition, unitRuntime } from "../../kit";
import { type RetailConfig, loadRetailConfig, retailSettings } from "./config";
import { buildRetailSchema } from "./schema";
import { createRetailServer } from "./server";

export const unit: UnitDefinition<RetailConfig> = {
  name: "retail",
  settings: retailSettings,
  loadConfig: loadRetailConfig,
  listenOn: (c) => unitRuntime(c, "RETAIL"),
  buildSchema: buildRetailSchema,
  create: createRetailServer,
};
