import "reflect-metadata";
import { createLogger, readManifest } from "../kit";
import { type Unit, runUnit } from "../kit/subgraph";

/**
 * The process of every unit: `node dist/subgraphs/main.js <unit>` starts the
 * unit declared in subgraphs/<unit>/unit.ts (config from the environment,
 * `--no-migrate` for `<UNIT>_DB_MIGRATE=false`), and stops it cleanly on
 * SIGTERM/SIGINT. A unit has no main of its own: the kit starts them all alike.
 */
const name = process.argv[2] ?? "";
if (!readManifest().some((entry) => entry.name === name)) {
  createLogger("subgraphs").error({ unit: name, units: readManifest().map((e) => e.name) }, "usage: node dist/subgraphs/main.js <unit of subgraphs/manifest.json> [--no-migrate]");
  process.exit(2);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
runUnit((require(`./${name}/unit`) as { unit: Unit<unknown, object> }).unit);
