import { type ConfigOf, integer, loadConfig, text } from "../../kit";

/** Billing's settings. Defaults run the embedded SQLite silo under ./data. */
export const billingSettings = {
  BILLING_PORT: integer("Port the billing subgraph listens on.", 4002, 0, 65535),
  BILLING_HOST: text("Interface the billing subgraph binds to.", "127.0.0.1"),
  BILLING_DB_URL: text("Billing silo: mysql://…, postgres://… or a SQLite file path.", "sqlite:./data/billing.sqlite"),
  BILLING_DB_POOL_MAX: integer("Most connections to the billing silo.", 10, 1, 500),
  BILLING_DB_STATEMENT_TIMEOUT_MS: integer("Longest a silo statement may run.", 5000, 100),
  BILLING_SILO_TIMEZONE: text("Time zone of the billing silo's local DATETIME columns (IANA name).", "Europe/Berlin"),
  BILLING_SEED: integer("Demo seed written into an empty silo; 0 leaves an empty silo empty.", 42, 0),
};

export type BillingConfig = ConfigOf<typeof billingSettings>;

export function loadBillingConfig(env: Record<string, string | undefined>): BillingConfig {
  const config = loadConfig(billingSettings, env);
  // Fail at boot, not on the first request, if the zone is unknown.
  new Intl.DateTimeFormat("en-US", { timeZone: config.BILLING_SILO_TIMEZONE });
  return config;
}
