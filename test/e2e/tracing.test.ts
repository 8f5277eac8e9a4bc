import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { registerTracing, stopTracing } from "../../kit/telemetry";
import { readManifest } from "../../scripts/manifest";
import { type InProcessGraph, startInProcessGraph } from "../support/in-process";
import { CUSTOMER_360 } from "./queries";

/**
 * One federated query, one trace: the gateway and the four subgraphs in this
 * process under one tracer provider that keeps spans in memory, so the test
 * can follow every parent link from the gateway's request to each unit's SQL.
 */
describe("tracing across the graph", () => {
  const exporter = new InMemorySpanExporter();
  let graph: InProcessGraph;

  beforeAll(async () => {
    registerTracing(new SimpleSpanProcessor(exporter), "customer-graph-test");
    graph = await startInProcessGraph();
  }, 60_000);

  afterAll(async () => {
    await graph?.stop();
    await stopTracing();
  });

  it("follows one request from the gateway through every fetch to each unit's resolvers and SQL", async () => {
    exporter.reset();
    const res = await graph.post({ query: CUSTOMER_360, variables: { id: "C000001" } }, { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
    expect(res.body.errors).toBeUndefined();

    const root = await eventually(() => exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER && s.attributes["customer_graph.process"] === "gateway"));
    // The gateway faces clients: it starts its own trace rather than continue theirs.
    expect(root.parentSpanId).toBeUndefined();
    expect(root.spanContext().traceId).not.toBe("0af7651916cd43dd8448eb211c80319c");
    expect(root.attributes).toMatchObject({ "graphql.operation.name": "Customer360", "http.response.status_code": 200 });

    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === root.spanContext().traceId);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan) => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);
    const named = (name: string) => spans.filter((s) => s.name === name);

    // Gateway: Apollo Server's parse and validate under the request, then @apollo/gateway's own spans.
    for (const name of ["graphql.parse", "graphql.validate", "gateway.request"]) expect(parentOf(named(name)[0])).toBe(root);
    const request = named("gateway.request")[0];
    for (const name of ["gateway.validate", "gateway.plan", "gateway.execute"]) expect(parentOf(named(name)[0])).toBe(request);
    const fetches = named("gateway.fetch");
    expect(fetches.length).toBeGreaterThanOrEqual(4);

    // Every fetch continues in exactly one subgraph's server span (W3C traceparent), of the unit it
    // fetched from, unless the gateway sent it in a request another fetch led (gateway/subgraph-calls/calls.ts): then
    // it is marked so, and the unit's span is under that other fetch.
    const units = spans.filter((s) => s.kind === SpanKind.SERVER && s !== root);
    for (const fetch of fetches) {
      const served = units.filter((u) => parentOf(u) === fetch);
      expect({ fetch: fetch.attributes.service, served: served.length }).toEqual({ fetch: fetch.attributes.service, served: fetch.attributes["customer_graph.fetch.shared"] ? 0 : 1 });
      if (served[0]) expect(served[0].attributes["customer_graph.process"]).toBe(fetch.attributes.service);
    }
    for (const unit of units) expect(fetches).toContain(parentOf(unit));
    expect(new Set(units.map((u) => u.attributes["customer_graph.process"]))).toEqual(new Set(readManifest().map((u) => u.name)));

    // In each unit: resolvers under its server span, SQL under the resolver that asked for it.
    const serverOf = (s: ReadableSpan): ReadableSpan | undefined => (s.kind === SpanKind.SERVER ? s : parentOf(s) && serverOf(parentOf(s)!));
    const resolvers = spans.filter((s) => s.name.startsWith("resolve "));
    const sql = spans.filter((s) => s.name.startsWith("sql "));
    expect(resolvers.map((s) => s.name)).toEqual(expect.arrayContaining(["resolve Query.customer", "resolve Customer.__resolveReference", "resolve Customer.invoices"]));
    for (const r of resolvers) expect(units).toContain(serverOf(r));
    expect(sql.length).toBeGreaterThan(0);
    for (const statement of sql) {
      expect(parentOf(statement)?.name).toMatch(/^resolve /);
      expect(statement.attributes["db.system"]).toBe("sqlite");
      expect(statement.attributes["code.function"]).toMatch(/^\w+\.\w+$/);
      // Statements go to traces without their values.
      expect(JSON.stringify(statement.attributes)).not.toContain("C000001");
    }
    for (const unit of units) expect(sql.some((s) => serverOf(s) === unit) || resolvers.some((r) => serverOf(r) === unit)).toBe(true);
  });

  it("asks the plan cache first: a repeated operation is not planned again", async () => {
    exporter.reset();
    await graph.post({ query: CUSTOMER_360, variables: { id: "C000002" } });
    await eventually(() => exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER && s.attributes["customer_graph.process"] === "gateway"));
    expect(exporter.getFinishedSpans().filter((s) => s.name === "gateway.plan")).toHaveLength(0);
  });
});

/** The server span ends when the response is closed, a moment after the client has it. */
async function eventually<T>(find: () => T | undefined, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error("span not recorded in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
