import { type ConfigOf, type Setting, ConfigError, flag, httpUrl, integer, loadConfig, oneOf, text } from "../kit/config";
import { LOG_LEVELS } from "../kit/log";
import { checkProductionSecrets, sharedSettings } from "../kit/shared-settings";
import { DEFAULT_PLANNER, PLANNERS } from "./planning/planner";
import { parseBudgets } from "./admission/demand-control";
import { DEFAULT_HEADER_RULES, type HeaderRules, parseHeaderRules } from "./subgraph-calls/header-rules";

/** The development default; production configuration refuses it. */
export const DEV_JWT_SECRET = "customer-graph-dev-jwt-secret-change-me";

/** An optional http(s) URL: empty means "not set". */
const optionalUrl = (doc: string): Setting<string> => ({ doc, default: "", parse: (raw) => (raw === "" ? "" : httpUrl(doc).parse(raw)) });

/** An optional redis:// or rediss:// URL: empty means "not set". */
const optionalRedisUrl = (doc: string): Setting<string> => ({
  doc,
  default: "",
  parse(raw) {
    if (raw === "") return "";
    if (!/^rediss?:$/.test(new URL(raw).protocol)) throw new Error(`expected a redis:// or rediss:// URL, got "${raw}"`);
    return raw;
  },
});

/** Header rules: JSON or a JSON file's path, parsed and checked at boot (subgraph-calls/header-rules.ts). */
const headerRules = (doc: string): Setting<HeaderRules> => ({ doc, default: DEFAULT_HEADER_RULES, parse: parseHeaderRules });

const subgraphTimeout = (doc: string, fallback?: number) => integer(doc, fallback, 50, 120_000);

/** The gateway's settings. It is generic: nothing here names a business unit. */
export const gatewaySettings = {
  GATEWAY_PORT: integer("Port the gateway listens on.", 4000, 0, 65535),
  GATEWAY_HOST: text("Interface the gateway binds to (0.0.0.0 in containers).", "127.0.0.1"),
  SUPERGRAPH_PATH: text("Supergraph SDL file the gateway serves.", "schema/supergraph.graphql"),
  SUPERGRAPH_WATCH: flag("Reload the supergraph when SUPERGRAPH_PATH changes (an invalid one is refused and the old one keeps serving).", true),
  SUPERGRAPH_URL: optionalUrl("Fetch the supergraph from this URL instead of SUPERGRAPH_PATH, polling it every SUPERGRAPH_POLL_MS."),
  SUPERGRAPH_POLL_MS: integer("How often SUPERGRAPH_URL is polled for a new supergraph.", 10_000, 100, 3_600_000),
  GATEWAY_SUBGRAPH_TIMEOUT_MS: subgraphTimeout("Longest the gateway waits for one subgraph fetch before answering without it.", 5000),
  GATEWAY_REQUEST_DEADLINE_MS: integer("Longest one client request may take end to end; later subgraph fetches get only what is left.", 10_000, 100, 300_000),
  GATEWAY_SUBGRAPH_RETRIES: integer("Retries of a failed subgraph query (connection error, HTTP 502/503/504); mutations are never retried.", 2, 0, 5),
  GATEWAY_RETRY_BASE_MS: integer("Backoff before the first retry; doubles with each retry, with full jitter.", 50, 1, 10_000),
  GATEWAY_BREAKER_FAILURES: integer("Consecutive failed calls to one subgraph that open its circuit breaker (calls then fail fast).", 5, 1, 1000),
  GATEWAY_BREAKER_COOLDOWN_MS: integer("How long an open breaker fails fast before letting one probe call through (half-open).", 5000, 100, 600_000),
  GATEWAY_SUBGRAPH_CONNECTIONS: integer("Most open keep-alive connections to one subgraph.", 128, 1, 10_000),
  GATEWAY_SUBGRAPH_KEEPALIVE_MS: integer("How long an idle connection to a subgraph is kept (below the subgraphs' own 65 s).", 30_000, 1000, 600_000),
  GATEWAY_UNIT_BATCH: flag("Fetches of different callers to one unit in the same tick travel as one HTTP request, each still signed, bounded and answered on its own; only to units that say they take batches (ours do).", true),
  GATEWAY_BATCH_CONCURRENCY: integer("Fetch batching: most requests one caller has in flight to one subgraph; further fetches wait for one to come back and go out together (0: no limit).", 2, 0, 10_000),
  GATEWAY_PLANNER: oneOf(
    "Query planner: cheaper (each new query planned by both planners, the plan sending the units fewer requests kept, Hive's on a tie or when Apollo's would read other fields), hive (Hive Router's, MIT; passes every case of test/federation that any planner passes) or apollo (@apollo/query-planner, Elastic License 2.0). An operation the chosen planner refuses, or a mutation it would run twice, is planned by the other.",
    PLANNERS,
    DEFAULT_PLANNER,
  ),
  GATEWAY_READY_PROBE_TIMEOUT_MS: integer("Longest /ready waits for one subgraph's /health.", 1000, 50, 30_000),
  GATEWAY_SHUTDOWN_GRACE_MS: integer("On SIGTERM/SIGINT, how long in-flight requests may take to finish before connections are closed.", 10_000, 0, 600_000),
  GATEWAY_MAX_BODY_BYTES: integer("Largest request body accepted (413 BODY_TOO_LARGE).", 1_000_000, 1024, 50_000_000),
  GATEWAY_BODY_TIMEOUT_MS: integer("Longest a request body may take to arrive once its headers are in, however it is paced (408 BODY_TIMEOUT).", 10_000, 100, 600_000),
  GATEWAY_HEADERS_TIMEOUT_MS: integer("Longest a request's headers may take to arrive (408 HEADERS_TIMEOUT).", 10_000, 100, 600_000),
  GATEWAY_MAX_JSON_DEPTH: integer("Deepest nesting of a request's JSON: body, variables, extensions (400 JSON_TOO_DEEP).", 16, 2, 1000),
  GATEWAY_MAX_JSON_VALUES: integer("Most values (objects, arrays, strings, numbers...) in a request's JSON (413 JSON_TOO_LARGE).", 10_000, 10, 10_000_000),
  GATEWAY_INTROSPECTION: oneOf("Schema introspection: auto (on unless NODE_ENV=production), on or off.", ["auto", "on", "off"] as const, "auto"),
  GATEWAY_FIELD_SUGGESTIONS: oneOf('"Did you mean …?" in validation errors: auto (hidden in production), on or off.', ["auto", "on", "off"] as const, "auto"),
  GATEWAY_MAX_DEPTH: integer("Deepest selection an operation may have.", 12, 1, 1000),
  GATEWAY_MAX_ALIASES: integer("Most aliases in one operation.", 30, 0, 10_000),
  GATEWAY_MAX_TOKENS: integer("Most lexical tokens in one document (checked while parsing).", 5000, 10, 1_000_000),
  GATEWAY_MAX_DIRECTIVES: integer("Most directives in one operation.", 50, 0, 10_000),
  GATEWAY_COST_BUDGETS: text("Highest estimated cost of one operation per role (the units' @cost and @listSize; admission/demand-control.ts), as role=cost pairs.", "anonymous=1000,partner=2000,customer=3000,agent=50000"),
  GATEWAY_DEFAULT_LIST_SIZE: integer("Size assumed for a list field whose unit declares neither a slicing argument nor an assumed size.", 10, 1, 10_000),
  GATEWAY_CORS_ORIGINS: text("Browser origins allowed to call the gateway, comma-separated (empty: same-origin only).", ""),
  GATEWAY_RATE_LIMIT_PER_MINUTE: integer("Requests a minute per caller (token subject, or address when anonymous), across every replica sharing GATEWAY_REDIS_URL (else per replica); 0 turns limiting off.", 1200, 0),
  GATEWAY_RATE_LIMIT_BURST: integer("Requests a caller may send at once before the per-minute budget applies.", 200, 1),
  GATEWAY_RATE_LIMIT_ON_REDIS_DOWN: oneOf("While GATEWAY_REDIS_URL is set but Redis does not answer: open lets requests through unchecked, closed refuses them (503 RATE_LIMIT_UNAVAILABLE).", ["open", "closed"] as const, "open"),
  GATEWAY_REDIS_URL: optionalRedisUrl("Redis (redis:// or rediss://) shared by every gateway replica: rate-limit budgets and automatic persisted queries; empty: each replica keeps its own."),
  GATEWAY_REDIS_PREFIX: text("Prefix of every key the gateway keeps in Redis, so several graphs can share one server.", "customer-graph:"),
  GATEWAY_REDIS_TIMEOUT_MS: integer("Longest a request waits for Redis; past it, Redis counts as down for that request.", 250, 10, 10_000),
  GATEWAY_PERSISTED_OPERATIONS: text("Path of a JSON manifest (sha256 -> document); when set, only those operations run.", ""),
  GATEWAY_SUBSCRIPTION_ROLES: text("Roles that may subscribe (comma-separated: customer, agent, partner, anonymous); the unit owning a subscription still decides what each may follow.", "customer,agent"),
  GATEWAY_SUBSCRIPTIONS_PER_CALLER: integer("Most open subscriptions of one caller (token subject, or address), per gateway replica.", 20, 1, 100_000),
  GATEWAY_SUBSCRIPTIONS_MAX: integer("Most open subscriptions of this gateway process, all callers together.", 10_000, 1, 1_000_000),
  GATEWAY_SUBSCRIPTION_BUFFER: integer("Events one subscriber may leave unread before it is dropped with a message (and events one upstream stream may have waiting).", 50, 1, 10_000),
  GATEWAY_SUBSCRIPTION_HEARTBEAT_MS: integer("Heartbeat of open subscriptions (WebSocket ping, SSE comment, multipart `{}`); a WebSocket that misses one is closed.", 10_000, 100, 600_000),
  GATEWAY_HEADER_RULES: headerRules(
    'Which client headers go to which units, and which unit response headers come back to the client: JSON, or the path of a JSON file (README, "Header rules"); authorization, cookies, hop-by-hop and the gateway\'s own headers are never moved.',
  ),
  GATEWAY_PROVENANCE: flag("Add extensions.provenance (which units answered, when each read its silo) to every response.", true),
  GATEWAY_FAST_PATH: flag("Answer the common request (a POST or GET of a query or mutation whose text was seen before) without Apollo Server's per-request pipeline, with the same bytes; off sends every request through Apollo Server.", true),
  GATEWAY_JWT_SECRET: text("HS256 secret client tokens are signed with (development; ignored when GATEWAY_JWKS_URL is set).", DEV_JWT_SECRET),
  GATEWAY_JWKS_URL: text("JWKS URL of the identity provider (production); keys are cached and rotated by kid.", ""),
  GATEWAY_JWT_ISSUER: text("Required `iss` of client tokens.", "customer-graph-dev"),
  GATEWAY_JWT_AUDIENCE: text("Required `aud` of client tokens.", "customer-graph"),
  GATEWAY_JWT_CLOCK_SKEW_S: integer("Clock skew tolerated on `exp`/`nbf`, in seconds.", 30, 0, 600),
  ...sharedSettings,
  GATEWAY_GRAPHIQL: flag("Serve GraphiQL (offline, with worked examples) at / and to browsers at /graphql. Default on; off when NODE_ENV=production unless set.", true),
  GATEWAY_LOG_LEVEL: oneOf("Log level; `info` writes one line per request.", LOG_LEVELS, "info"),
};

export type GatewayConfig = ConfigOf<typeof gatewaySettings> & {
  /** Per-subgraph URL overrides from SUBGRAPH_<NAME>_URL, by lower-case subgraph name. */
  subgraphUrls: Map<string, string>;
  /** Per-subgraph fetch timeouts from SUBGRAPH_<NAME>_TIMEOUT_MS, by lower-case subgraph name. */
  subgraphTimeouts: Map<string, number>;
};

/** Per-subgraph keys: SUBGRAPH_<NAME>_URL and SUBGRAPH_<NAME>_TIMEOUT_MS. */
const OVERRIDE = /^SUBGRAPH_([A-Z0-9_]+?)_(URL|TIMEOUT_MS)$/;

export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  const problems: string[] = [];
  let base: ConfigOf<typeof gatewaySettings> | undefined;
  try {
    base = loadConfig(gatewaySettings, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  const subgraphUrls = new Map<string, string>();
  const subgraphTimeouts = new Map<string, number>();
  for (const [key, value] of Object.entries(env)) {
    const match = OVERRIDE.exec(key);
    if (!match || !value) continue;
    const name = match[1].toLowerCase();
    try {
      if (match[2] === "URL") subgraphUrls.set(name, httpUrl(`URL of subgraph ${name}`).parse(value));
      else subgraphTimeouts.set(name, subgraphTimeout(`fetch timeout of subgraph ${name}`).parse(value));
    } catch (err) {
      problems.push(`${key}: ${(err as Error).message}`);
    }
  }
  if (base) {
    try {
      parseBudgets(base.GATEWAY_COST_BUDGETS);
    } catch (err) {
      problems.push(`GATEWAY_COST_BUDGETS: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0 || !base) throw new ConfigError(problems);
  checkProductionSecrets(base, { GATEWAY_JWT_SECRET: base.GATEWAY_JWKS_URL === "" && base.GATEWAY_JWT_SECRET === DEV_JWT_SECRET ? "is the development default; set GATEWAY_JWKS_URL (or a secret of your own)" : undefined });
  // An IDE is for development: production turns it on only when asked to.
  const graphiql = env.GATEWAY_GRAPHIQL ? base.GATEWAY_GRAPHIQL : base.NODE_ENV !== "production";
  return { ...base, GATEWAY_GRAPHIQL: graphiql, subgraphUrls, subgraphTimeouts };
}
