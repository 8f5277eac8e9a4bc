import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { UnitDefinition } from "../kit";

export interface ManifestEntry {
  name: string;
  port: number;
  /** The database server the unit's silo runs on in production; see productionSiloOf. */
  productionSilo?: "postgres" | "mysql";
}

/** Where a unit's silo runs in production: as the manifest says, else on the shared PostgreSQL server. */
export function productionSiloOf(entry: ManifestEntry): "postgres" | "mysql" {
  return entry.productionSilo ?? "postgres";
}

/** The repository root: the nearest folder up holding subgraphs/manifest.json (works from sources and from dist/). */
export const ROOT = findRoot(__dirname);

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "subgraphs", "manifest.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no subgraphs/manifest.json above ${from}`);
  }
}

/** The units listed in subgraphs/manifest.json, in order. */
export function readManifest(root = ROOT): ManifestEntry[] {
  const parsed = JSON.parse(readFileSync(join(root, "subgraphs", "manifest.json"), "utf8")) as { subgraphs: ManifestEntry[] };
  return parsed.subgraphs;
}

/** A unit's definition (subgraphs/<name>/unit.ts). */
export function loadUnit(name: string): UnitDefinition<unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(`../subgraphs/${name}/unit`) as { unit: UnitDefinition<unknown> }).unit;
}
