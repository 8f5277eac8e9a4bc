import { createHash } from "node:crypto";
import { type FSWatcher, watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { SupergraphSdlHook } from "@apollo/gateway";
import { type ConstDirectiveNode, type DocumentNode, Kind, parse } from "graphql";
import type { Logger } from "../../kit/log";

/**
 * Where the gateway's supergraph comes from and how a new one replaces the
 * old: a file watched for changes, or a URL polled. Each new text goes
 * through ApolloGateway's `update` callback, which validates it and swaps it
 * in for new requests while requests already running finish on the old one.
 * A text it refuses is logged and the old supergraph keeps serving.
 */
export interface SupergraphSourceOptions {
  path: string;
  watch: boolean;
  /** When set, poll this URL instead of reading `path`. */
  url: string;
  pollMs: number;
  logger: Logger;
}

/** Editors and deploy tools write a file in several steps; wait for the last one. */
const WATCH_DEBOUNCE_MS = 200;
/** Polls run one at a time, so a slow supergraph server delays the next poll rather than piling them up. */
const FETCH_TIMEOUT_MS = 10_000;

export function supergraphSource(options: SupergraphSourceOptions): SupergraphSdlHook {
  const { logger } = options;
  const source = options.url ? "url" : "file";
  const read = options.url ? () => fetchText(options.url) : () => readFile(resolve(options.path), "utf8");

  return async ({ update }) => {
    // Refused texts are remembered too, so a bad file is reported once, not on every poll.
    let seen = await read();
    const offer = async () => {
      let sdl: string;
      try {
        sdl = await read();
      } catch (err) {
        logger.warn({ source, err: oneLine(err) }, "supergraph could not be read; still serving the previous one");
        return;
      }
      if (sdl === seen) return;
      seen = sdl;
      try {
        update(sdl);
        logger.info({ source, supergraph: supergraphId(sdl) }, "supergraph reloaded");
      } catch (err) {
        logger.error({ source, supergraph: supergraphId(sdl), err: oneLine(err) }, "supergraph refused; still serving the previous one");
      }
    };
    const stop = options.url ? poll(offer, options.pollMs) : options.watch ? watchDirectory(resolve(options.path), offer, logger) : () => undefined;
    return { supergraphSdl: seen, cleanup: async () => stop() };
  };
}

/** Calls `check` every `everyMs`, one at a time. */
function poll(check: () => Promise<void>, everyMs: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const next = () => {
    if (!stopped) timer = setTimeout(() => void check().finally(next), everyMs).unref();
  };
  next();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * Watches the file's directory rather than the file: tools that replace a
 * file by renaming (editors, Kubernetes ConfigMap symlink swaps) would leave
 * a watch on the old file deaf. Every event just re-reads and compares.
 */
function watchDirectory(path: string, check: () => Promise<void>, logger: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  let chain = Promise.resolve();
  const watcher: FSWatcher = watch(dirname(path), { persistent: false }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => (chain = chain.then(check)), WATCH_DEBOUNCE_MS);
  });
  watcher.on("error", (err) => logger.error({ err: oneLine(err) }, "supergraph watch failed; reloads stop"));
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`HTTP ${res.status} from the supergraph URL`);
  return res.text();
}

/** A log field: validation errors span lines ("... Caused by:" then the causes). */
function oneLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err)
    .replace(/\s*\n\s*/g, " ")
    .slice(0, 1000);
}

/** The id ApolloGateway gives a supergraph (its SHA-256), shortened for logs and /ready. */
export function supergraphId(sdl: string): string {
  return createHash("sha256").update(sdl).digest("hex").slice(0, 12);
}

/** The subgraphs a supergraph names (its `join__Graph` enum), with their URLs. */
export function subgraphsOf(sdl: string): { name: string; url: string }[] {
  const graphs = parse(sdl).definitions.find((d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === "join__Graph");
  if (!graphs || graphs.kind !== Kind.ENUM_TYPE_DEFINITION) return [];
  return (graphs.values ?? []).flatMap((value) => {
    const directive = value.directives?.find((d) => d.name.value === "join__graph");
    const arg = (name: string) => {
      const node = directive?.arguments?.find((a) => a.name.value === name)?.value;
      return node?.kind === Kind.STRING ? node.value : "";
    };
    return directive ? [{ name: arg("name"), url: arg("url") }] : [];
  });
}

/**
 * The fields of each entity key, by type and subgraph: for every
 * `@join__type(graph:, key:)` of the supergraph, the top-level fields of
 * the key. A representation must have one key of its target subgraph
 * whole; the executor sends none without.
 */
export type EntityKeys = ReadonlyMap<string, ReadonlyMap<string, readonly (readonly string[])[]>>;

export function entityKeysOf(sdl: string): EntityKeys {
  const document = parse(sdl);
  const graphNames = new Map<string, string>();
  const keys = new Map<string, Map<string, string[][]>>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === "join__Graph") {
      for (const value of definition.values ?? []) {
        const name = value.directives?.find((d) => d.name.value === "join__graph")?.arguments?.find((a) => a.name.value === "name")?.value;
        if (name?.kind === Kind.STRING) graphNames.set(value.name.value, name.value);
      }
    }
  }
  for (const definition of document.definitions) {
    if (!("directives" in definition) || !("name" in definition) || !definition.name) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== "join__type") continue;
      const graph = directive.arguments?.find((a) => a.name.value === "graph")?.value;
      const key = directive.arguments?.find((a) => a.name.value === "key")?.value;
      if (graph?.kind !== Kind.ENUM || key?.kind !== Kind.STRING) continue;
      const unit = graphNames.get(graph.value) ?? graph.value;
      const operation = parse(`{ ${key.value} }`).definitions[0];
      if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
      const fields = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.alias?.value ?? s.name.value] : []));
      const byUnit = keys.get(definition.name.value) ?? new Map<string, string[][]>();
      byUnit.set(unit, [...(byUnit.get(unit) ?? []), fields]);
      keys.set(definition.name.value, byUnit);
    }
  }
  return keys;
}

/**
 * The supergraph's units by their `join__Graph` enum value (`BILLING` to
 * `billing`), in the enum's order.
 */
export function joinGraphNames(document: DocumentNode): Map<string, string> {
  const names = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== "join__Graph") continue;
    for (const value of definition.values ?? []) {
      const name = value.directives?.find((d) => d.name.value === "join__graph")?.arguments?.find((a) => a.name.value === "name")?.value;
      if (name?.kind === Kind.STRING) names.set(value.name.value, name.value);
    }
  }
  return names;
}

/**
 * The units that resolve each field (`Type.field`), in the supergraph's
 * order of units (its `join__Graph` enum): every `@join__field` graph that
 * neither marks it `@external`, nor lost it to an `@override`, nor needs
 * `@requires` data for it; a field with none resolved by every unit that
 * has its type. The executor reads it to ask another unit for a root field
 * when the unit its plan asked failed (execution/root-fallback.ts).
 */
export type FieldUnits = ReadonlyMap<string, readonly string[]>;

export function fieldUnitsOf(sdl: string): FieldUnits {
  const document = parse(sdl);
  const graphNames = joinGraphNames(document);
  const order = [...graphNames.values()];
  const argument = (directive: ConstDirectiveNode, name: string) => directive.arguments?.find((a) => a.name.value === name)?.value;
  const unitOf = (directive: ConstDirectiveNode) => {
    const graph = argument(directive, "graph");
    return graph?.kind === Kind.ENUM ? graphNames.get(graph.value) : undefined;
  };
  const flagged = (directive: ConstDirectiveNode, name: string) => {
    const value = argument(directive, name);
    return value?.kind === Kind.BOOLEAN && value.value;
  };
  const units = new Map<string, string[]>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const typeUnits = new Set((definition.directives ?? []).filter((d) => d.name.value === "join__type").map(unitOf));
    for (const field of definition.fields ?? []) {
      const joins = (field.directives ?? []).filter((d) => d.name.value === "join__field" && unitOf(d) !== undefined);
      const resolving = new Set(joins.length === 0 ? typeUnits : joins.filter((d) => !flagged(d, "external") && !flagged(d, "usedOverridden") && !argument(d, "requires")).map(unitOf));
      units.set(
        `${definition.name.value}.${field.name.value}`,
        order.filter((unit) => resolving.has(unit)),
      );
    }
  }
  return units;
}
