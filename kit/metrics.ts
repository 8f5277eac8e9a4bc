import type { IncomingMessage, ServerResponse } from "node:http";
import { Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Prometheus metrics, one registry per server (the gateway and each unit;
 * several can share a process in tests). Every label value is bounded: an
 * operation label is a named operation's name or "anonymous", and after
 * MAX_OPERATIONS distinct names every new one is "other". No query text, no
 * ids, no variables ever become a label.
 */
export const MAX_OPERATIONS = 200;

/** How a GraphQL request ended: answered fully, in part, refused as the client's fault, failed, or abandoned by the client. */
export type RequestOutcome = "ok" | "partial" | "rejected" | "error" | "aborted";

/** Seconds: a cached plan and a SQLite read take milliseconds; a fan-out over slow silos, seconds. */
export const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The gateway names each fetch of a plan `<operation>__<subgraph>__<n>`, and
 * several fetches sent as one request after the first of them, `…__x<count>`;
 * a subgraph counts it under the client's `<operation>`, the name an operator
 * knows (and one label per operation, not one per fetch).
 */
const FETCH_SUFFIX = /__[_0-9A-Za-z]+__\d+(__x\d+)?$/;

export class OperationLabels {
  private readonly known = new Set<string>();

  constructor(private readonly max = MAX_OPERATIONS) {}

  label(name: string | null | undefined): string {
    if (!name) return "anonymous";
    const operation = name.replace(FETCH_SUFFIX, "");
    if (this.known.has(operation)) return operation;
    if (this.known.size >= this.max || operation.length > 100 || !/^[_A-Za-z][_0-9A-Za-z]*$/.test(operation)) return "other";
    this.known.add(operation);
    return operation;
  }
}

export interface ProcessMetrics {
  registry: Registry;
  /** `graphql_request_duration_seconds{operation,outcome}`; its `_count` is the request count. */
  requests: Histogram<"operation" | "outcome">;
  operations: OperationLabels;
  /** `GET /metrics`, Prometheus text format. */
  route(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export function createProcessMetrics(): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Histogram({
    name: "graphql_request_duration_seconds",
    help: "GraphQL requests over HTTP, by operation name and outcome (ok, partial, rejected, error, aborted).",
    labelNames: ["operation", "outcome"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    requests,
    operations: new OperationLabels(),
    async route(_req, res) {
      try {
        const text = await registry.metrics();
        res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
        res.end(text);
      } catch (err) {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end(`metrics could not be collected: ${(err as Error).message}\n`);
      }
    },
  };
}
