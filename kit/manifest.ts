import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The one list of business units, subgraphs/manifest.json, as every process
 * reads it: the tooling (start, compose, scaffold) and the units themselves,
 * which derive from it what must follow every unit (the BusinessUnit enum,
 * the touch points promotions merges into Customer.timeline).
 */
export interface ManifestEntry {
  name: string;
  port: number;
  /** The database server the unit's silo runs on in production (see scripts/manifest.ts's productionSiloOf). */
  productionSilo?: "postgres" | "mysql";
}

/** The repository root: the nearest folder up holding subgraphs/manifest.json (works from sources, from dist/ and in the image). */
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

/** Every unit's name, in manifest order. */
export function unitNames(root = ROOT): string[] {
  return readManifest(root).map((e) => e.name);
}

/**
 * The hidden Customer field in which a unit hands its touch points to the
 * timeline: `<unit>TouchPoints` (`bookingsTouchPoints`...). Every unit but
 * promotions (which merges them) contributes one; a unit with nothing to show
 * answers an empty list.
 */
export function touchPointsField(unit: string): string {
  return `${unit}TouchPoints`;
}
