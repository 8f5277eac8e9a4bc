import "reflect-metadata";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import knex from "knex";
import { parse } from "yaml";
import { gatewaySettings, loadGatewayConfig } from "../../gateway/config";
import { planCacheMetrics, registerGatewayMetrics } from "../../gateway/operations/metrics";
import { dialectOfUrl } from "../../kit/subgraph/db";
import { createProcessMetrics } from "../../kit/metrics";
import { observeSilo } from "../../kit/subgraph/silo-telemetry";
import { GATEWAY_ENV, GATEWAY_NODE_ARGS, gatewayEnv, loadUnit, productionSiloOf, readManifest, unitCommand } from "../../scripts/manifest";

/**
 * There is no Docker engine where the tests run, so the compose file and
 * the Dockerfile are checked against the code: every unit has a service,
 * every env key is a setting the process knows, ports, URLs and database
 * servers agree with the manifest.
 */
const ROOT = join(__dirname, "..", "..");
const compose = parse(readFileSync(join(ROOT, "docker-compose.yml"), "utf8")) as {
  services: Record<
    string,
    {
      build?: string;
      image?: string;
      command?: string[];
      environment?: Record<string, string>;
      depends_on?: Record<string, unknown>;
      deploy?: { replicas?: number };
      healthcheck?: { test: string[] };
      ports?: string[];
      profiles?: string[];
      volumes?: string[];
    }
  >;
};
/** A service's environment as compose hands it over when the operator sets nothing: `${VAR:-default}` is the default. */
const envOf = (service: string): Record<string, string> => Object.fromEntries(Object.entries(compose.services[service].environment ?? {}).map(([k, v]) => [k, String(v).replace(/\$\{\w+:?-([^}]*)\}/g, "$1")]));
const OBSERVABILITY = ["prometheus", "grafana", "jaeger"];

describe("docker-compose.yml", () => {
  for (const entry of readManifest()) {
    const { name, port } = entry;
    it(`runs the ${name} unit on its production database, as its config reads it`, () => {
      const service = compose.services[name];
      expect(service.command).toEqual(unitCommand(name));
      const unit = loadUnit(name);
      const env = envOf(name);
      for (const key of Object.keys(env)) expect(Object.keys(unit.settings)).toContain(key);
      const config = unit.loadConfig(env) as Record<string, unknown>;
      expect(unit.listenOn(config as never)).toMatchObject({ port, host: "0.0.0.0" });
      const url = String(config[`${name.toUpperCase()}_DB_URL`]);
      expect(dialectOfUrl(url)).toBe(productionSiloOf(entry));
      // The compose databases start empty: the unit creates its own tables.
      expect(config[`${name.toUpperCase()}_DB_MIGRATE`]).toBe(true);
      const dbService = new URL(url).hostname;
      expect(compose.services[dbService]?.healthcheck).toBeDefined();
      expect(service.depends_on?.[dbService]).toEqual({ condition: "service_healthy" });
      expect(service.healthcheck).toBeDefined();
      // Its outbox relay publishes to the compose broker: the default, port 4222 of the container itself, is no one.
      expect(new URL(String(config[`${name.toUpperCase()}_BROKER_URL`])).hostname).toBe("nats");
    });
  }

  it("starts the gateway with its node arguments and environment, in compose and in the image", () => {
    expect(compose.services.gateway.command).toEqual(["node", ...GATEWAY_NODE_ARGS, "dist/gateway/main.js"]);
    expect(compose.services.gateway.environment).toMatchObject(GATEWAY_ENV);
    const cmd = readFileSync(join(ROOT, "Dockerfile"), "utf8").match(/^CMD (.+)$/m)?.[1];
    const settings = Object.entries(GATEWAY_ENV).map(([name, value]) => `${name}=${value}`);
    expect(JSON.parse(cmd ?? "null")).toEqual(["env", ...settings, "node", ...GATEWAY_NODE_ARGS, "dist/gateway/main.js"]);
    // Only the gateway's: a unit started from the image keeps the process's own malloc.
    for (const { name } of readManifest()) expect(Object.keys(compose.services[name].environment ?? {}).filter((key) => key in GATEWAY_ENV)).toEqual([]);
  });

  it("takes GATEWAY_ENV for npm start's gateway (gatewayEnv), an operator's own value kept", () => {
    expect(gatewayEnv({})).toEqual(GATEWAY_ENV);
    expect(gatewayEnv({ MALLOC_ARENA_MAX: "4" })).toEqual({});
    expect(GATEWAY_ENV).toEqual({ MALLOC_ARENA_MAX: "2" });
  });

  it("points the gateway at every unit's service and port", () => {
    const gateway = compose.services.gateway;
    const env = gateway.environment ?? {};
    for (const key of Object.keys(env)) expect(key in gatewaySettings || key in GATEWAY_ENV || /^SUBGRAPH_[A-Z0-9_]+_URL$/.test(key)).toBe(true);
    for (const { name, port } of readManifest()) {
      expect(env[`SUBGRAPH_${name.toUpperCase()}_URL`]).toBe(`http://${name}:${port}/graphql`);
      expect(gateway.depends_on?.[name]).toEqual({ condition: "service_healthy" });
    }
  });

  it("runs two gateway replicas, reached only through the load balancer once they are ready", () => {
    const gateway = compose.services.gateway;
    expect(gateway.deploy?.replicas).toBeGreaterThanOrEqual(2);
    // Two replicas cannot publish one host port; and a request must not reach a replica that bypasses lb.
    expect(gateway.ports).toBeUndefined();
    expect(gateway.healthcheck?.test.join(" ")).toContain(`http://127.0.0.1:${loadGatewayConfig(envOf("gateway")).GATEWAY_PORT}/ready`);
    expect(compose.services.lb.depends_on?.gateway).toEqual({ condition: "service_healthy" });
    const published = Object.entries(compose.services).filter(([, service]) => service.ports && !service.profiles);
    expect(published.map(([name]) => name)).toEqual(["lb"]);
  });

  it("runs Redis and NATS beside the silos, reachable under their service names", () => {
    expect(compose.services.redis).toMatchObject({ image: expect.stringMatching(/^redis:/), healthcheck: expect.anything() });
    expect(compose.services.nats).toMatchObject({ image: expect.stringMatching(/^nats:/), healthcheck: expect.anything() });
  });

  it("has the gateway replicas share their budgets and APQ hashes through the redis service", () => {
    const url = new URL(loadGatewayConfig(envOf("gateway")).GATEWAY_REDIS_URL);
    expect(url.hostname).toBe("redis");
    expect(compose.services.gateway.depends_on?.redis).toEqual({ condition: "service_healthy" });
  });

  it("keeps the observability services optional (profile observability), so a plain `up` is the production shape", () => {
    for (const name of OBSERVABILITY) expect(compose.services[name]?.profiles).toEqual(["observability"]);
    for (const [name, service] of Object.entries(compose.services)) if (!OBSERVABILITY.includes(name)) expect(service.profiles).toBeUndefined();
  });
});

describe("deploy/nginx/customer-graph.conf", () => {
  const conf = readFileSync(join(ROOT, "deploy", "nginx", "customer-graph.conf"), "utf8").replace(/#.*$/gm, "");
  const directive = (name: string) => [...conf.matchAll(new RegExp(`^\\s*${name}\\s+([^;{]+);`, "gm"))].map((m) => m[1].trim());
  const gateway = loadGatewayConfig(envOf("gateway"));
  const size = (value: string) => Number(/^(\d+)([km]?)$/.exec(value)![1]) * { "": 1, k: 1024, m: 1024 * 1024 }[/^\d+([km]?)$/.exec(value)![1]]!;
  const seconds = (value: string) => Number(/^(\d+)s$/.exec(value)![1]);

  it("is the file the lb service mounts, listening on the port it publishes", () => {
    expect(compose.services.lb.volumes).toContain("./deploy/nginx/customer-graph.conf:/etc/nginx/conf.d/default.conf:ro");
    expect(compose.services.lb.ports).toEqual([`4000:${directive("listen")[0]}`]);
  });

  it("sends every request to the gateway service, re-resolving its replicas", () => {
    expect(directive("server")).toEqual([`gateway:${gateway.GATEWAY_PORT} resolve`]);
    expect(directive("proxy_pass")).toEqual(["http://gateway"]);
    expect(directive("resolver")[0]).toMatch(/^127\.0\.0\.11 /);
  });

  it("leaves body limits and deadlines to the gateway, which answers them with GraphQL errors", () => {
    expect(size(directive("client_max_body_size")[0])).toBeGreaterThan(gateway.GATEWAY_MAX_BODY_BYTES);
    expect(seconds(directive("proxy_read_timeout")[0]) * 1000).toBeGreaterThan(gateway.GATEWAY_REQUEST_DEADLINE_MS);
  });
});

describe("deploy/prometheus.yml", () => {
  const scrape = parse(readFileSync(join(ROOT, "deploy", "prometheus.yml"), "utf8")) as { scrape_configs: { job_name: string; metrics_path?: string; dns_sd_configs: { names: string[]; type: string; port: number }[] }[] };
  const jobs = new Map(scrape.scrape_configs.map((c) => [c.job_name, c]));

  it("is the file the prometheus service mounts", () => {
    expect(compose.services.prometheus.volumes).toContain("./deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
  });

  it("scrapes /metrics of every replica of every process, at the port the process's config reads", () => {
    const expected = new Map<string, string>([["gateway", `gateway:${loadGatewayConfig(envOf("gateway")).GATEWAY_PORT}`]]);
    for (const { name } of readManifest()) {
      const unit = loadUnit(name);
      expected.set(name, `${name}:${unit.listenOn(unit.loadConfig(envOf(name)) as never).port}`);
    }
    expect([...jobs.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [job, target] of expected) {
      const config = jobs.get(job)!;
      expect(config.metrics_path ?? "/metrics").toBe("/metrics");
      // Docker's DNS answers a service's name with the address of every replica.
      expect(config.dns_sd_configs.map((c) => `${c.names.join(",")}:${c.port}`)).toEqual([target]);
      expect(config.dns_sd_configs.map((c) => c.type)).toEqual(["A"]);
      expect(compose.services[target.split(":")[0]]).toBeDefined();
    }
  });
});

describe("deploy/grafana", () => {
  const dashboard = JSON.parse(readFileSync(join(ROOT, "deploy", "grafana", "dashboards", "customer-graph.json"), "utf8")) as { panels: { type: string; datasource?: { uid: string }; targets?: { expr: string }[] }[] };
  const datasources = parse(readFileSync(join(ROOT, "deploy", "grafana", "provisioning", "datasources", "prometheus.yml"), "utf8")) as { datasources: { uid: string; url: string }[] };

  it("queries the provisioned Prometheus", () => {
    expect(datasources.datasources[0].url).toBe("http://prometheus:9090");
    for (const panel of dashboard.panels.filter((p) => p.type !== "row")) expect(panel.datasource?.uid).toBe(datasources.datasources[0].uid);
  });

  it("asks only for series the gateway and the units export", async () => {
    const gateway = createProcessMetrics();
    registerGatewayMetrics(gateway.registry);
    planCacheMetrics(gateway.registry);
    const unit = createProcessMetrics();
    const db = knex({ client: "better-sqlite3", connection: { filename: ":memory:" }, useNullAsDefault: true });
    observeSilo(db, "any", unit.registry);
    const exported = new Set<string>();
    for (const registry of [gateway.registry, unit.registry]) {
      for (const metric of await registry.getMetricsAsJSON()) {
        for (const suffix of String(metric.type) === "histogram" ? ["_bucket", "_sum", "_count"] : [""]) exported.add(`${metric.name}${suffix}`);
      }
    }
    await db.destroy();
    const asked = dashboard.panels.flatMap((p) => p.targets ?? []).flatMap((t) => t.expr.match(/\b(?:graphql|gateway|subgraph|process|nodejs)_[a-z0-9_]+/g) ?? []);
    expect(asked.length).toBeGreaterThan(10);
    for (const name of asked) expect(exported).toContain(name);
  });
});

describe("Dockerfile", () => {
  const stages = readFileSync(join(ROOT, "Dockerfile"), "utf8")
    .split(/^FROM /m)
    .slice(1)
    .map((stage) => stage.split("\n").filter((line) => line.trim() && !line.trimStart().startsWith("#")));

  it("builds in one stage and runs from another, without dev dependencies, as a non-root user", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const [build, run] = [stages[0], stages[stages.length - 1]];
    expect(build).toContainEqual(expect.stringMatching(/npm run build && npm prune --omit=dev/));
    expect(run).toContainEqual(expect.stringMatching(/^COPY --from=\S+ \/app\/node_modules node_modules$/));
    expect(run).not.toContainEqual(expect.stringMatching(/npm (ci|install)/));
    const users = run.filter((line) => line.startsWith("USER "));
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^USER (root|0)\b/);
  });

  it("has every entry point docker-compose.yml runs, and what they read at run time", () => {
    const run = stages[stages.length - 1].join("\n");
    expect(run).toMatch(/COPY --from=\S+ \/app\/dist dist/);
    expect(run).toMatch(/COPY --from=\S+ \/app\/schema schema/); // the gateway's supergraph
    for (const [name, service] of Object.entries(compose.services)) {
      // The entry point is the first argument after node's own options (a unit's is followed by its name).
      if (service.build) expect([name, service.command?.[0], service.command?.find((arg) => !arg.startsWith("-") && arg !== "node")]).toEqual([name, "node", expect.stringMatching(/^dist\//)]);
    }
  });
});
