import type { UnitDefinition } from "../../kit";
import { type BillingConfig, billingSettings, loadBillingConfig } from "./config";
import { buildBillingSchema } from "./schema";
import { createBillingServer } from "./server";

export const unit: UnitDefinition<BillingConfig> = {
  name: "billing",
  settings: billingSettings,
  loadConfig: loadBillingConfig,
  listenOn: (c) => ({ port: c.BILLING_PORT, host: c.BILLING_HOST }),
  buildSchema: buildBillingSchema,
  create: createBillingServer,
};
