import type { Logger } from "../../kit/log";
import { type ProcessTelemetry, processTelemetry } from "../../kit/observe";
import type { GatewayConfig } from "../config";
import { costMetrics, planCacheMetrics, registerGatewayMetrics } from "./metrics";

/**
 * How operators see the gateway: request metrics, the request log line and
 * a server span for every request (kit/observe.ts), subgraph fetches and the
 * query plan cache, and the cost of operations (metrics.ts). Each fetch is measured, and its trace
 * carried to the unit, by subgraph-calls/measure.ts.
 */
export function gatewayTelemetry(config: GatewayConfig, logger: Logger): ProcessTelemetry & { planCache: ReturnType<typeof planCacheMetrics>; cost: ReturnType<typeof costMetrics> } {
  const telemetry = processTelemetry({
    name: "gateway",
    logger,
    tracing: { endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, samplePercent: config.TRACING_SAMPLE_PERCENT },
    continueTrace: false,
  });
  registerGatewayMetrics(telemetry.metrics.registry);
  return { ...telemetry, planCache: planCacheMetrics(telemetry.metrics.registry), cost: costMetrics(telemetry.metrics.registry, telemetry.metrics.operations) };
}
