import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The Redis the integration tests share between gateway replicas: on
 * loopback by default, or wherever TEST_REDIS_URL points. Tests that stop it
 * (to show the gateway riding out an outage) start it again the same way
 * the setup does, so the next test finds it as it was.
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || "redis://127.0.0.1:6379";
const { hostname, port } = new URL(TEST_REDIS_URL);
const host = hostname.replace(/^\[|\]$/g, "");

const cli = (...args: string[]) => spawnSync("redis-cli", ["-h", host, "-p", port || "6379", ...args], { encoding: "utf8", timeout: 5000 });

export function redisAnswers(): boolean {
  return cli("ping").stdout?.trim() === "PONG";
}

/** Starts a throwaway redis-server (no persistence) on the test URL's port; true once it answers. */
export function startRedis(): boolean {
  const dir = join(tmpdir(), "cg-test-redis");
  mkdirSync(dir, { recursive: true });
  spawnSync("redis-server", ["--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", port || "6379", "--save", "", "--appendonly", "no", "--dir", dir, "--logfile", join(dir, "redis.log")], { timeout: 10_000 });
  for (let i = 0; i < 50; i += 1) {
    if (redisAnswers()) return true;
    spawnSync("sleep", ["0.1"]);
  }
  return false;
}

/** Stops the server at once, keeping nothing. */
export function stopRedis(): void {
  cli("shutdown", "nosave");
}

/** Why Redis cannot be used here, or null: reachable, or started (only on loopback). */
export function ensureRedis(): string | null {
  if (redisAnswers()) return null;
  if (host !== "127.0.0.1" && host !== "localhost") return `Redis at ${TEST_REDIS_URL} does not answer`;
  return startRedis() ? null : `Redis at ${TEST_REDIS_URL} does not answer and redis-server could not be started`;
}
