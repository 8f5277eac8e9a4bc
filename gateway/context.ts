import type { Identity } from "../kit/identity";
import type { UnitProvenance } from "./provenance";

/** The gateway's per-request context. */
export interface GatewayContext {
  requestId: string;
  /** The verified caller; null for anonymous. */
  identity: Identity | null;
  /** Client headers passed on to every subgraph. */
  forward: Partial<Record<"x-channel" | "authorization", string>>;
  /** Whether subgraphs are asked for provenance (GATEWAY_PROVENANCE). */
  wantProvenance: boolean;
  /** What each subgraph fetch reported, in arrival order. */
  provenance: UnitProvenance[];
}
