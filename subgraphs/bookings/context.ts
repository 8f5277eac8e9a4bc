import type { RequestBase } from "../../kit";
import type { BookingsLoaders, BookingsRepositories } from "./loaders";

export interface BookingsContext extends RequestBase {
  repos: BookingsRepositories;
  loaders: BookingsLoaders;
}
