import { OperationLabels, createProcessMetrics } from "./metrics";

describe("operation labels", () => {
  it("names named operations, and unnamed ones anonymous", () => {
    const labels = new OperationLabels();
    expect(labels.label("Customer360")).toBe("Customer360");
    expect(labels.label(null)).toBe("anonymous");
    expect(labels.label("")).toBe("anonymous");
  });

  it("counts a gateway fetch under the client's operation", () => {
    const labels = new OperationLabels();
    expect(labels.label("Customer360__billing__0")).toBe("Customer360");
    expect(labels.label("Customer360__promotions__12")).toBe("Customer360");
    // Several fetches the gateway merged into one request (gateway/subgraph-calls/coalesce.ts).
    expect(labels.label("Customer360__retail__2__x3")).toBe("Customer360");
  });

  it("keeps at most the cap of distinct names, then says other", () => {
    const labels = new OperationLabels(3);
    expect(["A", "B", "C", "D", "A"].map((n) => labels.label(n))).toEqual(["A", "B", "C", "other", "A"]);
  });

  it("never takes something that is not a GraphQL name", () => {
    const labels = new OperationLabels();
    expect(labels.label("x".repeat(101))).toBe("other");
    expect(labels.label('a"}\n')).toBe("other");
  });
});

describe("process metrics", () => {
  it("serves the registry in the Prometheus text format", async () => {
    const metrics = createProcessMetrics();
    metrics.requests.observe({ operation: "A", outcome: "ok" }, 0.01);
    let head: Record<string, unknown> = {};
    let body = "";
    await metrics.route({} as never, { writeHead: (_s: number, h: Record<string, unknown>) => (head = h), end: (t: string) => (body = t) } as never);
    expect(head["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toContain('graphql_request_duration_seconds_count{operation="A",outcome="ok"} 1');
    expect(body).toContain("process_resident_memory_bytes");
  });
});
