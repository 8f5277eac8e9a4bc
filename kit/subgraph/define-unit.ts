import type { Knex } from "knex";
import type { BuildSchemaOptions } from "type-graphql";
import { type ConfigOf, type Setting, loadConfig } from "../config";
import type { Migration } from "./db";
import type { OutboxTable } from "./events/outbox";
import { type FederatedSchema, type ReferenceResolvers, buildFederatedSchema } from "./federation";
import { type GraphReader, graphReader } from "./graph-client";
import { requestRepositories } from "./silo-telemetry";
import type { RequestBase } from "./request";
import type { Subgraph } from "./subgraph";
import { type UnitEvents, type UnitSettings, bootSubgraph, graphUrlSetting, unitRuntime, unitSettings } from "./unit";

/**
 * A business unit in one declaration (`subgraphs/<unit>/unit.ts`): its name
 * and port, its silo, the settings it has beyond the kit's, its schema, its
 * repositories (made once), its loaders (made for every request) and what
 * else its resolvers find in the context. The kit does the rest the same way
 * for every unit: settings under the unit's prefix, config loaded and checked
 * at start, the silo migrated and seeded, the schema built, the server and
 * the process (subgraphs/main.ts). The context type resolvers annotate is
 * derived from the declaration (`ContextOf<typeof unit>`), so it cannot drift
 * from what the kit builds.
 */
export interface UnitDeclaration<N extends string, S extends Settings, G extends boolean, R, L, X> {
  /** As in subgraphs/manifest.json; upper-cased, it prefixes the unit's settings (CARE_PORT...). */
  name: N;
  /** The default of `<UNIT>_PORT`, as in the manifest. */
  port: number;
  /** Settings beyond the kit's, each under the unit's prefix. */
  settings?: S & { [K in keyof S]: K extends `${Uppercase<N>}_${string}` ? Setting<unknown> : never };
  /**
   * The unit reads the customer graph to check its writes (graph-client.ts):
   * adds `<UNIT>_GRAPH_URL` and puts a `graph` in the deps and the context.
   */
  readsGraph?: G;
  silo: {
    migrations: Record<string, Migration>;
    /** A table that is empty exactly when the silo has never been seeded. */
    seedProbeTable: string;
    /** The unit's outbox table (events/outbox.ts), created by one of its migrations. */
    outbox: OutboxTable | ((config: UnitConfig<N, S, G>) => OutboxTable);
    /** Writes the demo company for `seed` into an empty silo. */
    seed(db: Knex, seed: number, config: UnitConfig<N, S, G>): Promise<void>;
  };
  /** The type-graphql classes and the entities' `__resolveReference`s; built without a database, so composition can print it. */
  schema: { resolvers: BuildSchemaOptions["resolvers"]; orphanedTypes?: BuildSchemaOptions["orphanedTypes"]; references?: References };
  /** Made once at start over the silo. Each one's statements are attributed to it in traces and metrics. */
  repositories(deps: UnitDeps<UnitConfig<N, S, G>, G>): R;
  /** Made afresh for every request, never shared between requests (dataloader's rule). */
  loaders(repos: R): L;
  /** What else a request's context holds, made for every request. */
  context?(deps: UnitDeps<UnitConfig<N, S, G>, G>, repos: R): X;
}

type Settings = Record<string, Setting<unknown>>;

/**
 * An entity's `__resolveReference(reference, context)`, by type name. Typed
 * loosely on purpose: a reference resolver takes the unit's context, whose
 * type is derived from this very declaration, so a signature here would make
 * the declaration's type depend on itself. Its parameters are annotated where
 * it is written (`ctx: CareContext`), which keeps it checked.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type References = Record<string, { __resolveReference: Function }>;

type GraphSettings<N extends string, G extends boolean> = G extends true ? { [K in `${Uppercase<N>}_GRAPH_URL`]: Setting<string> } : unknown;
type GraphPart<G extends boolean> = G extends true ? { /** The live customer graph, to check writes that depend on other units. */ graph: GraphReader } : unknown;

/** Every setting of a unit: the kit's under its prefix, the graph's URL if it reads the graph, its own. */
export type UnitConfig<N extends string, S extends Settings, G extends boolean> = ConfigOf<UnitSettings<Uppercase<N>> & GraphSettings<N, G> & S>;

/** What a unit's repositories and context are made from. */
export type UnitDeps<Config, G extends boolean> = UnitEvents &
  GraphPart<G> & {
    db: Knex;
    config: Config;
    /** "Now", injectable so tests can fix it (Date.now otherwise). */
    clock: () => number;
  };

/** A request's context in a unit: the request, the unit's repositories and loaders, and its extras. */
export type UnitContext<R, L, G extends boolean, X> = RequestBase & GraphPart<G> & { repos: R; loaders: L } & X;

/** What tests inject instead of the real thing: a graph that answers without a gateway, a fixed clock. */
export interface UnitInjections {
  graph?: GraphReader;
  clock?: () => number;
}

export interface UnitServer<C extends object> {
  subgraph: Subgraph<C>;
  db: Knex;
}

/** A declared unit, as the tooling (start, composition, scaffold) and the tests use it. */
export interface Unit<Config, C extends object> {
  name: string;
  port: number;
  settings: Settings;
  loadConfig(env: Record<string, string | undefined>): Config;
  listenOn(config: Config): { port: number; host: string; shutdownGraceMs?: number };
  /** The unit's subgraph schema, without a database (composition, `npm run schema`). */
  buildSchema(): Promise<FederatedSchema>;
  /** The unit over its silo: connected, migrated and seeded when it manages its silo, schema built. */
  create(config: Config, inject?: UnitInjections): Promise<UnitServer<C>>;
}

/** The context type of a declared unit, for its resolvers: `type CareContext = ContextOf<typeof unit>`. */
export type ContextOf<U> = U extends Unit<unknown, infer C> ? C : never;
/** The config type of a declared unit. */
export type ConfigOfUnit<U> = U extends Unit<infer Config, object> ? Config : never;

// The defaults matter: a unit without `settings`, `readsGraph` or `context` gets none of them.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export function defineUnit<const N extends string, R, L, S extends Settings = {}, G extends boolean = false, X extends object = {}>(d: UnitDeclaration<N, S, G, R, L, X>): Unit<UnitConfig<N, S, G>, UnitContext<R, L, G, X>> {
  type Config = UnitConfig<N, S, G>;
  type C = UnitContext<R, L, G, X>;
  const prefix = d.name.toUpperCase() as Uppercase<N>;
  if (!/^[a-z][a-z0-9]*$/.test(d.name)) throw new Error(`unit name "${d.name}": lower-case letters and digits, starting with a letter`);
  const own: Settings = { ...(d.settings ?? {}) };
  const kits: Settings = { ...unitSettings(prefix, d.name, d.port), ...(d.readsGraph ? { [`${prefix}_GRAPH_URL`]: graphUrlSetting(d.name) } : {}) };
  for (const key of Object.keys(own)) {
    if (!key.startsWith(`${prefix}_`)) throw new Error(`${d.name}: setting ${key} must start with ${prefix}_`);
    if (key in kits) throw new Error(`${d.name}: setting ${key} is the kit's; a unit cannot redeclare it`);
  }
  const settings: Settings = { ...kits, ...own };
  const buildSchema = () => buildFederatedSchema({ resolvers: d.schema.resolvers, orphanedTypes: d.schema.orphanedTypes }, d.schema.references as ReferenceResolvers | undefined);
  return {
    name: d.name,
    port: d.port,
    settings,
    loadConfig: (env) => loadConfig(settings, env) as Config,
    listenOn: (config) => unitRuntime(config, prefix),
    buildSchema,
    create(config, inject = {}) {
      const runtime = unitRuntime(config, prefix);
      const url = (config as Record<string, unknown>)[`${prefix}_GRAPH_URL`];
      const graph = inject.graph ?? (d.readsGraph ? graphReader(url as string, runtime.statementTimeoutMs * 2) : undefined);
      const shared = { config, clock: inject.clock ?? Date.now, ...(graph ? { graph } : {}) };
      // Made once, when the silo is connected and the events are ready; every request's context reuses it.
      let deps: UnitDeps<Config, G> | undefined;
      const outbox = d.silo.outbox;
      return bootSubgraph({
        name: d.name,
        runtime,
        migrations: d.silo.migrations,
        seedProbeTable: d.silo.seedProbeTable,
        outbox: typeof outbox === "function" ? outbox(config) : outbox,
        seed: (db, seed) => d.silo.seed(db, seed, config),
        repositories: (db, events) => d.repositories((deps = { ...shared, ...events, db } as UnitDeps<Config, G>)),
        buildSchema,
        context: (base, shared) => {
          const context = { ...base, ...(graph ? { graph } : {}) } as Record<string, unknown>;
          // The request's view of the repositories: their statements count toward the request this context is linked to.
          const repos = requestRepositories(shared, context);
          context.repos = repos;
          context.loaders = d.loaders(repos);
          if (d.context) Object.assign(context, d.context(deps!, repos));
          return context as C;
        },
      });
    },
  };
}
