import type { RequestBase } from "../../kit";
import type { CareLoaders } from "./loaders";

export interface CareContext extends RequestBase {
  loaders: CareLoaders;
}
