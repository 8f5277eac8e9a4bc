import "reflect-metadata";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { gatewaySettings } from "../../gateway/config";
import { dialectOfUrl } from "../../kit/db";
import { loadUnit, productionSiloOf, readManifest } from "../../scripts/manifest";

/**
 * There is no Docker engine where the tests run, so the compose file and
 * the Dockerfile are checked against the code: every unit has a service,
 * every env key is a setting the process knows, ports, URLs and database
 * servers agree with the manifest.
 */
const ROOT = join(__dirname, "..", "..");
const compose = parse(readFileSync(join(ROOT, "docker-compose.yml"), "utf8")) as {
  services: Record<string, { command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, unknown>; healthcheck?: unknown; ports?: string[] }>;
};

describe("docker-compose.yml", () => {
  for (const entry of readManifest()) {
    const { name, port } = entry;
    it(`runs the ${name} unit on its production database, as its config reads it`, () => {
      const service = compose.services[name];
      expect(service.command).toEqual(["node", `dist/subgraphs/${name}/main.js`]);
      const unit = loadUnit(name);
      const env = service.environment ?? {};
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
    });
  }

  it("points the gateway at every unit's service and port", () => {
    const gateway = compose.services.gateway;
    const env = gateway.environment ?? {};
    for (const key of Object.keys(env)) expect(key in gatewaySettings || /^SUBGRAPH_[A-Z0-9_]+_URL$/.test(key)).toBe(true);
    for (const { name, port } of readManifest()) {
      expect(env[`SUBGRAPH_${name.toUpperCase()}_URL`]).toBe(`http://${name}:${port}/graphql`);
      expect(gateway.depends_on?.[name]).toEqual({ condition: "service_healthy" });
    }
    expect(gateway.ports).toContain(`${env.GATEWAY_PORT}:${env.GATEWAY_PORT}`);
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
      if (service.command) expect([name, service.command[0], service.command[1]]).toEqual([name, "node", expect.stringMatching(/^dist\//)]);
    }
  });
});
