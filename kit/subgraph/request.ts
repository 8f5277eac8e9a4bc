import type { Channel } from "../channel";
import type { Identity } from "../identity";

/** What every unit knows about the request it is serving (the base of each unit's context). */
export interface RequestBase {
  requestId: string;
  /** The channel the client named (`x-channel`), if valid. Recorded, never used to vary data. */
  channel: Channel | null;
  /** Who is asking, as the gateway verified and signed it; null for anonymous callers. */
  identity: Identity | null;
  /** The caller's own bearer credential, for reading the graph on their behalf (graph-client.ts). */
  authorization?: string;
}
