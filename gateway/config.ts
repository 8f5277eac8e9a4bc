import { type ConfigOf, ConfigError, flag, httpUrl, integer, loadConfig, oneOf, text } from "../kit/config";

/** The gateway's settings. It is generic: nothing here names a business unit. */
export const gatewaySettings = {
  GATEWAY_PORT: integer("Port the gateway listens on.", 4000, 0, 65535),
  GATEWAY_HOST: text("Interface the gateway binds to (0.0.0.0 in containers).", "127.0.0.1"),
  SUPERGRAPH_PATH: text("Supergraph SDL file the gateway serves.", "schema/supergraph.graphql"),
  GATEWAY_SUBGRAPH_TIMEOUT_MS: integer("Longest the gateway waits for one subgraph fetch before answering without it.", 5000, 50, 120_000),
  GATEWAY_MAX_BODY_BYTES: integer("Largest request body accepted.", 1_000_000, 1024, 50_000_000),
  GATEWAY_INTROSPECTION: flag("Allow schema introspection.", true),
  GATEWAY_GRAPHIQL: flag("Serve GraphiQL (offline, with worked examples) at / and to browsers at /graphql. Default on; off when NODE_ENV=production.", true),
  GATEWAY_LOG_LEVEL: oneOf("Log level.", ["silent", "error", "warn", "info"] as const, "info"),
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
  // An IDE is for development: production turns it on only when asked to.
  const graphiql = env.GATEWAY_GRAPHIQL ? base.GATEWAY_GRAPHIQL : env.NODE_ENV !== "production";
  return { ...base, GATEWAY_GRAPHIQL: graphiql, subgraphUrls };
}
