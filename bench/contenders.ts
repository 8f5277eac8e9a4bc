import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT } from "../scripts/manifest";
import { progress } from "../scripts/cli";

/**
 * The gateways the bench compares ours with, apart from stock Apollo (which
 * the gateway itself is built on), live in a package of their own,
 * bench/contenders/, with its own lock: the project's `npm ci` never
 * installs them. Hive Gateway's dependencies declare Node 22.15 or newer,
 * so installing them with the project printed dozens of engine warnings on
 * the Node 20 the project supports, for code only the bench runs.
 * `npm run bench:setup` installs them; `npm run bench` does when a contender
 * it runs needs them and they are missing.
 */
export const CONTENDERS_DIR = join(ROOT, "bench", "contenders");

const packageFile = join(CONTENDERS_DIR, "package.json");
const fromContenders = createRequire(packageFile);

const versionOf = (file: string) => (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;

/** Whether bench/contenders/node_modules holds every dependency of the contenders' package, at the version it pins. */
export function contendersInstalled(): boolean {
  const { dependencies } = JSON.parse(readFileSync(packageFile, "utf8")) as { dependencies: Record<string, string> };
  try {
    return Object.entries(dependencies).every(([name, version]) => versionOf(join(CONTENDERS_DIR, "node_modules", name, "package.json")) === version);
  } catch {
    return false;
  }
}

/** A module of the contenders' package, resolved from bench/contenders/node_modules (never the project's). */
export function requireContender<T>(name: string): T {
  return fromContenders(name) as T;
}

/** `npm ci` in bench/contenders, its output on stderr; throws when it fails. */
export function installContenders(): void {
  progress("Installing the bench's comparison gateways into bench/contenders/node_modules (npm ci)...");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: CONTENDERS_DIR, stdio: ["ignore", process.stderr, process.stderr] });
  if (run.status !== 0) throw new Error(`npm ci in bench/contenders failed (exit ${run.status ?? run.signal})`);
}
