import { createProcessMetrics } from "../../kit/metrics";
import { httpObserver, linkContext, requestOf } from "../../kit/observe";
import { callOf, contextOf } from "../../test/support/calls";
import { parsePrometheusText } from "../../test/support/prometheus";
import { registerGatewayMetrics } from "../operations/metrics";
import { circuitOpen } from "./failures";
import { measure } from "./measure";

describe("measure", () => {
  it("records each fetch of a client request with its outcome, failures included", async () => {
    const metrics = createProcessMetrics();
    registerGatewayMetrics(metrics.registry);
    const observer = httpObserver({ name: "gateway", metrics, logger: { info() {}, warn() {}, error() {} }, continueTrace: false });
    const res = { once() {}, statusCode: 200 } as never;
    const context = contextOf();
    await observer.observe({ headers: {} } as never, res, "r", async () => {
      linkContext(res, context);
      await measure("retail")(async () => ({ data: {} }))(callOf({ context }));
      await measure("retail")(async () => Promise.reject(circuitOpen("retail")))(callOf({ context })).catch(() => undefined);
    });
    const page = parsePrometheusText(await metrics.registry.metrics());
    expect(page.sum("gateway_subgraph_fetch_duration_seconds_count", { subgraph: "retail", outcome: "ok" })).toBe(1);
    expect(page.sum("gateway_subgraph_fetch_errors_total", { subgraph: "retail", outcome: "circuit_open" })).toBe(1);
    expect(requestOf(context)?.timings?.retail?.count).toBe(2);
  });
});
