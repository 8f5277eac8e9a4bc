import { parsePrometheusText } from "../support/prometheus";

/** The reader the end-to-end tests trust /metrics to: it must refuse what Prometheus would. */
describe("Prometheus text reader", () => {
  const good = [
    "# HELP x_seconds How long.",
    "# TYPE x_seconds histogram",
    'x_seconds_bucket{le="0.1",op="A"} 1',
    'x_seconds_bucket{le="+Inf",op="A"} 2',
    'x_seconds_sum{op="A"} 0.3',
    'x_seconds_count{op="A"} 2',
    "# TYPE up gauge",
    "up 1",
    "# TYPE hits_total counter",
    'hits_total{path="a\\"b"} 3e2',
  ].join("\n");

  it("reads samples, labels and values", () => {
    const m = parsePrometheusText(good);
    expect(m.sum("x_seconds_count", { op: "A" })).toBe(2);
    expect(m.find("hits_total")[0]).toEqual({ name: "hits_total", labels: { path: 'a"b' }, value: 300 });
    expect(m.types.get("up")).toBe("gauge");
  });

  it.each([
    ["a sample before its TYPE", "up 1"],
    ["a bad label", '# TYPE up gauge\nup{1a="x"} 1'],
    ["a bad value", "# TYPE up gauge\nup one"],
    ["an unknown type", "# TYPE up meter"],
    ["a +Inf bucket unlike the count", good.replace('le="+Inf",op="A"} 2', 'le="+Inf",op="A"} 3')],
  ])("refuses %s", (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
