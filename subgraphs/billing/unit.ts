import { type UnitDefinition, unitRuntime } from "../../kit";
import { type BillingConfig, billingSettings, loadBillingConfig } from "./config";
import { buildBillingSchema } from "./schema";
import { createBillingServer } from "./server";

export const unit: UnitDefinition<BillingConfig> = {
  name: "billing",
  settings: billingSettings,
  loadConfig: loadBillingConfig,
  listenOn: (c) => unitRuntime(c, "BILLING"),
  buildSchema: buildBillingSchema,
  create: createBillingServer,
};
