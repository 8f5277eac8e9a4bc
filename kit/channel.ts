/**
 * Where a request comes from, as the client names it in `x-channel`. Common
 * to the gateway and the units (and the events on the broker); the units
 * register it as the GraphQL enum `Channel` (subgraph/graph.ts).
 */
export enum Channel {
  WEB = "WEB",
  MOBILE = "MOBILE",
  STORE = "STORE",
  CALL_CENTER = "CALL_CENTER",
  PARTNER = "PARTNER",
}

export function parseChannel(value: unknown): Channel | undefined {
  return typeof value === "string" && value in Channel ? (value as Channel) : undefined;
}
