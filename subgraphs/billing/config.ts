import { type ConfigOf, loadConfig, text, unitSettings } from "../../kit";

/** Billing's settings. Defaults run the embedded SQLite silo under ./data. */
export const billingSettings = {
  ...unitSettings("BILLING", "billing", 4002),
  BILLING_SILO_TIMEZONE: text("Time zone of the billing silo's local DATETIME columns (IANA name).", "Europe/Berlin"),
};

export type BillingConfig = ConfigOf<typeof billingSettings>;

export function loadBillingConfig(env: Record<string, string | undefined>): BillingConfig {
  const config = loadConfig(billingSettings, env);
  // Fail at boot, not on the first request, if the zone is unknown.
  new Intl.DateTimeFormat("en-US", { timeZone: config.BILLING_SILO_TIMEZONE });
  return config;
}
