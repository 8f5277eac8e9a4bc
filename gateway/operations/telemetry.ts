import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { Logger } from "../../kit/log";
import { type ProcessTelemetry, processTelemetry } from "../../kit/observe";
import { annotateActiveSpan, injectTraceContext } from "../../kit/telemetry";
import type { GatewayConfig } from "../config";
import type { GatewayContext } from "../context";
import { UnitDataSource } from "../subgraph-calls/datasource";
import { planCacheMetrics, outcomeOfFailure, outcomeOfResponse, recordFetch, registerGatewayMetrics } from "./metrics";

/**
 * How operators see the gateway: request metrics, the request log line and
 * a server span for every request (kit/observe.ts), subgraph fetches and the
 * query plan cache (metrics.ts), traces carried on to the subgraphs.
 */
export function gatewayTelemetry(config: GatewayConfig, logger: Logger): ProcessTelemetry & { planCache: ReturnType<typeof planCacheMetrics> } {
  const telemetry = processTelemetry({
    name: "gateway",
    logger,
    tracing: { endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, samplePercent: config.TRACING_SAMPLE_PERCENT },
    continueTrace: false,
  });
  registerGatewayMetrics(telemetry.metrics.registry);
  return { ...telemetry, planCache: planCacheMetrics(telemetry.metrics.registry) };
}

/**
 * The unit data source, measured: each fetch a query plan makes is timed
 * and recorded with its outcome (whatever retries or breakers the data
 * source applies happen inside it), and carries the trace context
 * (`traceparent` of @apollo/gateway's fetch span) to the subgraph.
 */
export class ObservedDataSource extends UnitDataSource {
  protected override servedWithOthers(): void {
    annotateActiveSpan({ "customer_graph.fetch.shared": true });
  }

  protected override traceHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    injectTraceContext({ set: (name, value) => (headers[name] = value) });
    return headers;
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const started = performance.now();
    try {
      const response = await super.process(options);
      recordFetch(options.context, this.unit, performance.now() - started, outcomeOfResponse(response.errors));
      return response;
    } catch (err) {
      recordFetch(options.context, this.unit, performance.now() - started, outcomeOfFailure(err));
      throw err;
    }
  }
}
