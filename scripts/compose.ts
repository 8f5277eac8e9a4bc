import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import type { ManifestEntry } from "./manifest";
import { loadUnit } from "./manifest";

export interface Composed {
  /** Each subgraph's SDL, by name, as printed from its code. */
  subgraphs: Map<string, string>;
  supergraph: string;
  hints: string[];
}

export class CompositionError extends Error {
  constructor(readonly errors: string[]) {
    super(`composition failed:\n  ${errors.join("\n  ")}`);
  }
}

/**
 * Builds every unit's schema from code (no database needed) and composes
 * the supergraph. Subgraph URLs are the local defaults; the gateway
 * overrides them per deployment (SUBGRAPH_<NAME>_URL).
 */
export async function composeUnits(entries: readonly ManifestEntry[], override: Map<string, string> = new Map()): Promise<Composed> {
  const subgraphs = new Map<string, string>();
  for (const entry of entries) subgraphs.set(entry.name, override.get(entry.name) ?? (await loadUnit(entry.name).buildSchema()).sdl);
  const result = composeServices(entries.map((e) => ({ name: e.name, typeDefs: parse(subgraphs.get(e.name)!), url: `http://127.0.0.1:${e.port}/graphql` })));
  if (result.errors) throw new CompositionError(result.errors.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`));
  return { subgraphs, supergraph: result.supergraphSdl, hints: result.hints.map((h) => `${h.definition.code}: ${h.message}`) };
}
