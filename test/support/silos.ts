import type { Dialect } from "../../kit/subgraph/db";
import { type ManifestEntry, productionSiloOf } from "../../scripts/manifest";
import { type TcpProxy, serverAddress, startProxy } from "./proxy";
import { SERVER_NAME, createDatabase } from "./servers";
import { tempSiloDir } from "./silo";

/**
 * Fresh silos for tests, on any dialect: a SQLite file in a temporary
 * directory, or a new database on the PostgreSQL or MariaDB test server.
 * `cleanup()` removes whatever was made.
 */
export interface ScratchSilo {
  dialect: Dialect;
  url: string;
  cleanup(): Promise<void>;
}

export const DIALECT_NAME: Record<Dialect, string> = { sqlite: "SQLite", ...SERVER_NAME };

export async function scratchSilo(dialect: Dialect, unit: string): Promise<ScratchSilo> {
  if (dialect === "sqlite") {
    const dir = tempSiloDir();
    return { dialect, url: dir.url(unit), cleanup: async () => dir.cleanup() };
  }
  const db = await createDatabase(dialect, unit);
  return { dialect, url: db.url, cleanup: db.drop };
}

/**
 * Where the whole graph keeps its data in a test: "sqlite", the embedded
 * default (a file per unit), or "servers", the production shape (each unit
 * on its production server, subgraphs/manifest.json `productionSilo`).
 */
export type SiloKind = "sqlite" | "servers";
export const SILO_KIND_NAME: Record<SiloKind, string> = { sqlite: "SQLite files", servers: "PostgreSQL and MariaDB" };

export interface SiloSet {
  kind: SiloKind;
  /** The URL each unit is given. */
  urls: Map<string, string>;
  /** Each unit's silo straight to the database (not through the relay), for a test that reads or writes it. */
  directUrls: Map<string, string>;
  /** Servers only: the unit's database goes away (connections dropped, new ones refused)... */
  cut(unit: string): Promise<void>;
  /** ...and comes back. */
  restore(unit: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function provisionSilos(kind: SiloKind, units: readonly ManifestEntry[]): Promise<SiloSet> {
  const scratch = new Map<string, ScratchSilo>();
  const proxies = new Map<string, TcpProxy>();
  const urls = new Map<string, string>();
  const directUrls = new Map<string, string>();
  const cleanup = async () => {
    for (const proxy of proxies.values()) await proxy.close();
    await Promise.all([...scratch.values()].map((s) => s.cleanup()));
  };
  try {
    for (const entry of units) {
      const { name } = entry;
      const silo = await scratchSilo(kind === "sqlite" ? "sqlite" : productionSiloOf(entry), name);
      scratch.set(name, silo);
      directUrls.set(name, silo.url);
      if (silo.dialect === "sqlite") {
        urls.set(name, silo.url);
        continue;
      }
      // Units reach a server silo through a relay, so a test can take it away.
      const proxy = await startProxy(serverAddress(silo.url));
      proxies.set(name, proxy);
      urls.set(name, proxy.via(silo.url));
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  const proxyOf = (unit: string) => {
    const proxy = proxies.get(unit);
    if (!proxy) throw new Error(`the ${unit} silo is a ${kind} silo; only a server silo can go away`);
    return proxy;
  };
  return {
    kind,
    urls,
    directUrls,
    cut: (unit) => proxyOf(unit).cut(),
    restore: (unit) => proxyOf(unit).restore(),
    cleanup,
  };
}
