import type { GraphQLError } from "graphql";
import type { Identity } from "../kit/identity";
import type { ExplainLog } from "./execution/explain";
import type { UnitHeaders } from "./http/unit-headers";

/** The gateway's per-request context. */
export interface GatewayContext {
  requestId: string;
  /** The verified caller; null for anonymous. */
  identity: Identity | null;
  /** Client headers passed on to every subgraph. */
  forward: Partial<Record<"x-channel" | "authorization", string>>;
  /** The client headers GATEWAY_HEADER_RULES read (lower-case names), for the units the rules send them to. */
  clientHeaders?: Readonly<Record<string, string>>;
  /** Unit response headers the rules let back, gathered per fetch; absent when no rule lets any back. */
  unitHeaders?: UnitHeaders;
  /** Whether subgraphs are asked for provenance (GATEWAY_PROVENANCE). */
  wantProvenance: boolean;
  /** What each subgraph fetch reported, in arrival order. */
  provenance: UnitProvenance[];
  /** When the gateway took the request, in calls.ts's order of events: no shared subgraph answer may be older. */
  arrival: number;
  /**
   * What this request's fetches did, when the caller asked with `x-explain: 1`
   * and may see it (execution/explain.ts); null otherwise.
   */
  explain?: ExplainLog | null;
  /** Epoch ms by which the whole request must be answered; subgraph fetches get only what is left. */
  deadline: number;
  /** Set when the client takes `@defer` incrementally: the later parts, added as they start. */
  incremental?: DeferredParts;
}

/** Where the executor hands the deferred parts of one response (written by the HTTP layer as they complete). */
export interface DeferredParts {
  add(path: readonly string[], part: Promise<{ items: { data: Record<string, unknown> | null; path: (string | number)[]; label?: string }[]; errors: readonly GraphQLError[] }>): void;
}

/** What one subgraph said about its part of an answer (kit/subgraph.ts). */
export interface UnitProvenance {
  unit: string;
  readAt: string;
  answeredAt: string;
}
