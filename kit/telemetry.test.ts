import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startTracing, stopTracing, tracer, tracingEnabled } from "./telemetry";

/**
 * The SDK and the OTLP exporter are loaded only when tracing is turned on
 * (test/unit/loaded-modules.test.ts checks that they are not loaded
 * otherwise): turned on with an endpoint, a process exports its spans there,
 * over OTLP/HTTP at `<endpoint>/v1/traces`.
 */
describe("tracing turned on by an endpoint", () => {
  afterEach(async () => {
    await stopTracing();
  });

  it("exports a finished span to <endpoint>/v1/traces", async () => {
    const received: { path: string | undefined; type: string | undefined; bytes: number }[] = [];
    const collector = createServer((req: IncomingMessage, res: ServerResponse) => {
      let bytes = 0;
      req.on("data", (chunk: Buffer) => (bytes += chunk.length));
      req.on("end", () => {
        received.push({ path: req.url, type: req.headers["content-type"], bytes });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = collector.address() as AddressInfo;
      expect(tracingEnabled()).toBe(false);
      const flush = startTracing("telemetry-test", { endpoint: `http://127.0.0.1:${port}/`, samplePercent: 100 });
      expect(flush).not.toBeNull();
      expect(tracingEnabled()).toBe(true);
      tracer("test").startSpan("a span").end();
      await flush!();
      expect(received).toEqual([expect.objectContaining({ path: "/v1/traces" })]);
      expect(received[0].bytes).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
  });

  it("stays off without an endpoint", () => {
    expect(startTracing("telemetry-test", { endpoint: "", samplePercent: 100 })).toBeNull();
    expect(tracingEnabled()).toBe(false);
  });
});
