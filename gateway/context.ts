/** The gateway's per-request context: what it forwards to subgraphs. */
export interface GatewayContext {
  requestId: string;
  forward: Partial<Record<"x-channel", string>>;
  /** Epoch ms by which the whole request must be answered; subgraph fetches get only what is left. */
  deadline: number;
}
