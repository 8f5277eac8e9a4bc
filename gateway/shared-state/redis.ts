import type Redis from "ioredis";
import type { Logger } from "../../kit/log";
import type { GatewayConfig } from "../config";
import type { SharedStateMetrics } from "../operations/metrics";

/** What the gateway keeps in Redis; each use is counted apart when Redis fails it. */
export type SharedUse = "rate_limit" | "apq";

/**
 * The one Redis connection of a gateway replica, for what every replica must
 * agree on (rate-limit budgets, automatic persisted queries). Every key
 * starts with `prefix`, so several graphs can share one server.
 *
 * Redis is never on the critical path: a command that cannot be sent at
 * once (not connected) fails at once instead of queueing, and one that gets
 * no answer within GATEWAY_REDIS_TIMEOUT_MS fails then, so a request waits
 * for Redis at most that long. Each caller decides what a failure means
 * (the rate limit: open or closed; APQ: this replica's own copy). The client
 * reconnects by itself, backing off up to 2 s, so the gateway recovers
 * without a restart; an outage is logged when it starts and when it ends.
 */
export interface SharedState {
  readonly client: Redis;
  readonly prefix: string;
  /** Redis is connected and ready for commands. */
  up(): boolean;
  /** A command for `use` failed: counted, and logged once per outage. */
  failed(use: SharedUse, err: unknown): void;
  close(): Promise<void>;
}

export async function connectSharedState(config: GatewayConfig, logger: Logger, metrics: SharedStateMetrics, onDown: string): Promise<SharedState> {
  // Loaded only where Redis is configured: a replica on its own never holds the client's code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: RedisClient } = require("ioredis") as typeof import("ioredis");
  const client = new RedisClient(config.GATEWAY_REDIS_URL, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: config.GATEWAY_REDIS_TIMEOUT_MS,
    connectTimeout: Math.max(1000, config.GATEWAY_REDIS_TIMEOUT_MS),
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    // Redis counts the gateway's connections under this name (CLIENT LIST).
    connectionName: `${config.GATEWAY_REDIS_PREFIX}gateway`,
  });
  const where = redact(config.GATEWAY_REDIS_URL);
  let down = false;
  let quietUntil = 0;
  const lost = (reason: string) => {
    if (down) return;
    down = true;
    logger.warn({ redis: where, reason }, `Redis does not answer: rate limiting fails ${onDown}, persisted queries are this replica's own until it is back`);
  };
  // Without an error listener ioredis reports each failed reconnect as an unhandled error.
  client.on("error", (err: Error) => lost(err.message));
  client.on("close", () => lost("connection closed"));
  client.on("ready", () => {
    if (down) logger.info({ redis: where }, "Redis is back: budgets and persisted queries are shared again");
    down = false;
  });
  metrics.watch(() => client.status === "ready");

  // Wait briefly for the first connection, so the first requests are checked
  // against the shared budgets; a Redis that is not there delays no start.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, Math.max(1000, config.GATEWAY_REDIS_TIMEOUT_MS));
    client.once("ready", done);
    client.once("error", done);
    function done() {
      clearTimeout(timer);
      client.off("ready", done);
      client.off("error", done);
      resolve();
    }
  });

  return {
    client,
    prefix: config.GATEWAY_REDIS_PREFIX,
    up: () => client.status === "ready",
    failed(use, err) {
      metrics.failure(use);
      const message = err instanceof Error ? err.message : String(err);
      if (client.status !== "ready") return lost(message);
      // Connected but failing (e.g. slower than the timeout): every request would say so; once every 10 s is enough.
      if (Date.now() < quietUntil) return;
      quietUntil = Date.now() + 10_000;
      logger.warn({ redis: where, use, err: message }, "a Redis command failed (counted in gateway_redis_failures_total)");
    },
    async close() {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

/** The URL without its password, for logs. */
function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}
