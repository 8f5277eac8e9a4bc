import type { GraphReader, RequestBase } from "../../kit";
import type { CareRepositories, CareLoaders } from "./loaders";

export interface CareContext extends RequestBase {
  repos: CareRepositories;
  loaders: CareLoaders;
  /** The customer graph, read to check a write's customer (kit/graph-client.ts). */
  graph: GraphReader;
  /** The zone care's desk logs local times in. */
  timeZone: string;
}
