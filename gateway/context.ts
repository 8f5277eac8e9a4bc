/** The gateway's per-request context: what it forwards to subgraphs. */
export interface GatewayContext {
  requestId: string;
  forward: Partial<Record<"x-channel", string>>;
}
