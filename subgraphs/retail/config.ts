import { type ConfigOf, integer, loadConfig, text } from "../../kit";

/** Retail's settings. Defaults run the embedded SQLite silo under ./data. */
export const retailSettings = {
  RETAIL_PORT: integer("Port the retail subgraph listens on.", 4003, 0, 65535),
  RETAIL_HOST: text("Interface the retail subgraph binds to.", "127.0.0.1"),
  RETAIL_DB_URL: text("Retail silo: postgres://…, mysql://… or a SQLite file path.", "sqlite:./data/retail.sqlite"),
  RETAIL_DB_POOL_MAX: integer("Most connections to the retail silo.", 10, 1, 500),
  RETAIL_DB_STATEMENT_TIMEOUT_MS: integer("Longest a silo statement may run.", 5000, 100),
  RETAIL_SEED: integer("Demo seed written into an empty silo; 0 leaves an empty silo empty.", 42, 0),
};

export type RetailConfig = ConfigOf<typeof retailSettings>;

export function loadRetailConfig(env: Record<string, string | undefined>): RetailConfig {
  return loadConfig(retailSettings, env);
}
