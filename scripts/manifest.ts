import type { Unit } from "../kit/subgraph";
import type { ManifestEntry } from "../kit/manifest";

export { type ManifestEntry, ROOT, readManifest } from "../kit/manifest";

/** Where a unit's silo runs in production: as the manifest says, else on the shared PostgreSQL server. */
export function productionSiloOf(entry: ManifestEntry): "postgres" | "mysql" {
  return entry.productionSilo ?? "postgres";
}

/** Every unit's process, whichever unit it runs (subgraphs/main.ts). */
export const UNIT_ENTRY = "dist/subgraphs/main.js";

/** How a unit's process is started, as compose and Kubernetes write it. */
export function unitCommand(name: string): string[] {
  return ["node", ...UNIT_NODE_ARGS, UNIT_ENTRY, name];
}

/**
 * How every unit's process is started: `node <UNIT_NODE_ARGS> dist/subgraphs/main.js <unit>`
 * (npm start, the bench, docker-compose.yml, deploy/kubernetes, the new-subgraph template).
 *
 * A larger young generation: the gateway batches a busy caller's fetches, so
 * a unit answers fewer, larger requests (hundreds of entities at once). With
 * V8's default 16 MB semi-spaces such an answer outlives the scavenges that
 * run while it is built and is promoted, and the old-space collections that
 * follow took 8 to 15% of the units' CPU on the bench's list case; with 64 MB
 * it dies young. Measured in docs/scaling.md.
 */
export const UNIT_NODE_ARGS: readonly string[] = ["--max-semi-space-size=64"];

/**
 * How the gateway's process is started: `node <GATEWAY_NODE_ARGS> dist/gateway/main.js`,
 * with GATEWAY_ENV in its environment (npm start, the bench, the Dockerfile,
 * docker-compose.yml, deploy/kubernetes).
 *
 * The old generation grows by three quarters of its live size between full
 * collections, not by V8's default factor of up to four. A gateway holds
 * little for long (a plan cache, in-flight answers) but allocates fast, so
 * V8 let garbage pile up to several times the live heap before collecting
 * it: under the bench's list load, 200 MB of old space in use for about
 * 50 MB live, and more resident memory than stock Apollo's. Half its live
 * size (up to e2accea) held the peak lowest, but then a full collection came
 * every 0.6 s under the list case (traced). The room GATEWAY_ENV makes pays
 * for three quarters: 10 % off the gateway's CPU per request on the list
 * case, crowd, 10 % on the 360° view and 11 % on the catalogue, for about
 * 8 MB more at the peak than before (two alternations).
 *
 * Semi-spaces of 16 MB (V8's own size, written out): a request's parsed
 * answers live until it is answered, and the fewer young collections a
 * request lives through, the fewer of them are copied and promoted. Under
 * the bench's list case 16 MB took about 7 % off the gateway's CPU per
 * request against 8, for about 20 MB more resident memory at the peak; 32 MB
 * took a few percent more for 35 MB more, too near the bound this project
 * keeps to (0.7x stock Apollo's peak).
 *
 * No allocation-site pretenuring: V8 allocates straight into the old
 * generation the objects made where most of them once survived a young
 * collection. Under the bench's list case it chose that for the answers
 * the gateway shapes, which are written and dropped at once: all of them
 * then waited for a full collection (a sampling heap profile: 120 MB per
 * 10 s of shaped answers outlived the young generation with it, none
 * without it). The gateway's CPU per ms of the units' CPU on that case read
 * about 15 % lower without it (three alternations).
 * Measured in docs/scaling.md.
 */
export const GATEWAY_NODE_ARGS: readonly string[] = ["--heap-growing-percent=75", "--max-semi-space-size=16", "--no-allocation-site-pretenuring"];

/**
 * The gateway's environment beyond its configuration: at most two malloc
 * arenas. glibc gives each thread that allocates its own arena, up to eight
 * per core, and V8's helper threads and libuv's pool allocate too; each
 * arena keeps what it freed for itself. The gateway's large allocations
 * (answers and bodies held as bytes) come and go on the main thread, so one
 * more arena is enough. Under the bench's list case the peak resident
 * memory read about 18 MB lower with it (two alternations), CPU level; that
 * room is what the old generation's growth above spends. A value already in
 * the environment is kept (`gatewayEnv`).
 */
export const GATEWAY_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "2" };

/** GATEWAY_ENV, except what `env` sets already (an operator's own value wins). */
export function gatewayEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(Object.entries(GATEWAY_ENV).filter(([name]) => env[name] === undefined));
}

/** A unit's definition (subgraphs/<name>/unit.ts). */
export function loadUnit(name: string): Unit<unknown, object> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(`../subgraphs/${name}/unit`) as { unit: Unit<unknown, object> }).unit;
}
