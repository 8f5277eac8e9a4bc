import { type ConfigOf, ConfigError, flag, httpUrl, integer, loadConfig, oneOf, text } from "../kit/config";
import { LOG_LEVELS } from "../kit/log";
import { checkProductionSecrets, sharedSettings } from "../kit/shared-settings";

/** The development default; production configuration refuses it. */
export const DEV_JWT_SECRET = "customer-graph-dev-jwt-secret-change-me";

/** The gateway's settings. It is generic: nothing here names a business unit. */
export const gatewaySettings = {
  GATEWAY_PORT: integer("Port the gateway listens on.", 4000, 0, 65535),
  GATEWAY_HOST: text("Interface the gateway binds to (0.0.0.0 in containers).", "127.0.0.1"),
  SUPERGRAPH_PATH: text("Supergraph SDL file the gateway serves.", "schema/supergraph.graphql"),
  GATEWAY_SUBGRAPH_TIMEOUT_MS: integer("Longest the gateway waits for one subgraph fetch before answering without it.", 5000, 50, 120_000),
  GATEWAY_MAX_BODY_BYTES: integer("Largest request body accepted.", 1_000_000, 1024, 50_000_000),
  GATEWAY_INTROSPECTION: oneOf("Schema introspection: auto (on unless NODE_ENV=production), on or off.", ["auto", "on", "off"] as const, "auto"),
  GATEWAY_FIELD_SUGGESTIONS: oneOf("\"Did you mean …?\" in validation errors: auto (hidden in production), on or off.", ["auto", "on", "off"] as const, "auto"),
  GATEWAY_MAX_DEPTH: integer("Deepest selection an operation may have.", 12, 1, 1000),
  GATEWAY_MAX_ALIASES: integer("Most aliases in one operation.", 30, 0, 10_000),
  GATEWAY_MAX_TOKENS: integer("Most lexical tokens in one document (checked while parsing).", 5000, 10, 1_000_000),
  GATEWAY_MAX_DIRECTIVES: integer("Most directives in one operation.", 50, 0, 10_000),
  GATEWAY_MAX_COST: integer("Highest static cost of one operation (GraphQL Armor's cost model).", 20_000, 1, 100_000_000),
  GATEWAY_CORS_ORIGINS: text("Browser origins allowed to call the gateway, comma-separated (empty: same-origin only).", ""),
  GATEWAY_RATE_LIMIT_PER_MINUTE: integer("Requests a minute per caller (token subject, or address when anonymous); 0 turns limiting off.", 1200, 0),
  GATEWAY_RATE_LIMIT_BURST: integer("Requests a caller may send at once before the per-minute budget applies.", 200, 1),
  GATEWAY_PERSISTED_OPERATIONS: text("Path of a JSON manifest (sha256 -> document); when set, only those operations run.", ""),
  GATEWAY_PROVENANCE: flag("Add extensions.provenance (which units answered, when each read its silo) to every response.", true),
  GATEWAY_JWT_SECRET: text("HS256 secret client tokens are signed with (development; ignored when GATEWAY_JWKS_URL is set).", DEV_JWT_SECRET),
  GATEWAY_JWKS_URL: text("JWKS URL of the identity provider (production); keys are cached and rotated by kid.", ""),
  GATEWAY_JWT_ISSUER: text("Required `iss` of client tokens.", "customer-graph-dev"),
  GATEWAY_JWT_AUDIENCE: text("Required `aud` of client tokens.", "customer-graph"),
  GATEWAY_JWT_CLOCK_SKEW_S: integer("Clock skew tolerated on `exp`/`nbf`, in seconds.", 30, 0, 600),
  ...sharedSettings,
  GATEWAY_LOG_LEVEL: oneOf("Log level; `info` writes one line per request.", LOG_LEVELS, "info"),
};

export type GatewayConfig = ConfigOf<typeof gatewaySettings> & {
  /** Per-subgraph URL overrides from SUBGRAPH_<NAME>_URL, by lower-case subgraph name. */
  subgraphUrls: Map<string, string>;
};

const OVERRIDE = /^SUBGRAPH_([A-Z0-9_]+)_URL$/;

export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  const base = loadConfig(gatewaySettings, env);
  const subgraphUrls = new Map<string, string>();
  const problems: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    const match = OVERRIDE.exec(key);
    if (!match || !value) continue;
    try {
      subgraphUrls.set(match[1].toLowerCase(), httpUrl(`URL of subgraph ${match[1].toLowerCase()}`).parse(value));
    } catch (err) {
      problems.push(`${key}: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  checkProductionSecrets(base, { GATEWAY_JWT_SECRET: base.GATEWAY_JWKS_URL === "" && base.GATEWAY_JWT_SECRET === DEV_JWT_SECRET ? "is the development default; set GATEWAY_JWKS_URL (or a secret of your own)" : undefined });
  return { ...base, subgraphUrls };
}
