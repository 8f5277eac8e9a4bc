import type { GraphReader, RequestBase } from "../../kit";
import type { BookingsLoaders, BookingsRepositories } from "./loaders";

export interface BookingsContext extends RequestBase {
  repos: BookingsRepositories;
  loaders: BookingsLoaders;
  /** The live graph, to check that a customer exists before writing for them. */
  graph: GraphReader;
}
