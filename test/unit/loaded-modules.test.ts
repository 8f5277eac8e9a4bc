import { execFileSync } from "node:child_process";
import { join } from "node:path";

/**
 * What a process holds for its whole life: a module loaded once stays in
 * V8's heap (its source text, its functions, whatever it builds at load)
 * and every full collection marks it again. The gateway as production
 * starts it (the built `dist`, a config from the environment, listening and
 * answering a query) must not load packages it does not run: @apollo/gateway's
 * entry (ours passes `buildService`), the OpenTelemetry SDK and exporter
 * while tracing is off, and the Redis client without GATEWAY_REDIS_URL. Nor
 * may a unit's modules load the SDK. Together they were about a sixth of an
 * idle gateway's resident memory (docs/scaling.md).
 */
const ROOT = join(__dirname, "..", "..");
const UNWANTED = new Set(["@apollo/gateway", "@opentelemetry/sdk-trace-base", "@opentelemetry/exporter-trace-otlp-http", "@opentelemetry/resources", "@opentelemetry/context-async-hooks", "ioredis"]);

/** The packages under node_modules that a script run in a fresh node process has loaded. */
function loadedPackages(script: string): string[] {
  const probe = `${script}
    .then(() => {
      const packages = new Set(Object.keys(require.cache).map((file) => /node_modules\\/((@[^/]+\\/)?[^/]+)\\//.exec(file)?.[1]).filter(Boolean));
      process.stdout.write(JSON.stringify([...packages]));
      process.exit(0);
    })
    .catch((err) => { console.error(err); process.exit(1); });`;
  const env = { ...process.env, GATEWAY_PORT: "0", GATEWAY_LOG_LEVEL: "silent", GATEWAY_REDIS_URL: "", OTEL_EXPORTER_OTLP_ENDPOINT: "" };
  return JSON.parse(execFileSync(process.execPath, ["-e", probe], { cwd: ROOT, env, encoding: "utf8", timeout: 30_000 })) as string[];
}

describe("what a process loads", () => {
  it("a running gateway, tracing and Redis off, loads neither @apollo/gateway's entry, the OpenTelemetry SDK nor ioredis", () => {
    const packages = loadedPackages(`
      const { loadGatewayConfig } = require("./dist/gateway/config");
      const { createGateway } = require("./dist/gateway/server");
      (async () => {
        const gateway = await createGateway(loadGatewayConfig(process.env));
        const running = await gateway.listen();
        const answer = await fetch(running.url, { method: "POST", headers: { "content-type": "application/json", "x-channel": "WEB" }, body: JSON.stringify({ query: "{ __typename }" }) });
        if (answer.status !== 200) throw new Error("the gateway answered " + answer.status);
        await running.close();
      })()`);
    // The probe itself saw the gateway's own packages: it ran what it should.
    expect(packages).toEqual(expect.arrayContaining(["@apollo/server", "@apollo/query-planner", "@graphql-hive/router-query-planner", "undici"]));
    expect(packages.filter((p) => UNWANTED.has(p))).toEqual([]);
  });

  it("every unit's modules, as the units' entry loads them, do not load the OpenTelemetry SDK", () => {
    const packages = loadedPackages(`
      Promise.resolve().then(() => {
        require("reflect-metadata");
        for (const { name } of require("./dist/kit").readManifest()) require("./dist/subgraphs/" + name + "/unit");
      })`);
    expect(packages).toEqual(expect.arrayContaining(["@apollo/subgraph", "knex"]));
    expect(packages.filter((p) => UNWANTED.has(p))).toEqual([]);
  });
});
