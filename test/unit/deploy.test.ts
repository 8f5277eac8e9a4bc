import "reflect-metadata";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { gatewaySettings } from "../../gateway/config";
import { dialectOfUrl } from "../../kit/db";
import { loadUnit, readManifest } from "../../scripts/manifest";

/**
 * There is no Docker engine where the tests run, so the compose file is
 * checked against the code: every unit has a service, every env key is a
 * setting the process knows, ports and URLs agree with the manifest.
 */
const ROOT = join(__dirname, "..", "..");
const compose = parse(readFileSync(join(ROOT, "docker-compose.yml"), "utf8")) as {
  services: Record<string, { command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, unknown>; healthcheck?: unknown; ports?: string[] }>;
};
/** Units not listed (new ones, from `npm run new-subgraph`) start on the shared PostgreSQL server. */
const PRODUCTION_DIALECT: Record<string, string> = { bookings: "postgres", billing: "mysql", retail: "postgres", promotions: "postgres" };

describe("docker-compose.yml", () => {
  for (const { name, port } of readManifest()) {
    it(`runs the ${name} unit on its production database, as its config reads it`, () => {
      const service = compose.services[name];
      expect(service.command).toEqual(["node", `dist/subgraphs/${name}/main.js`]);
      const unit = loadUnit(name);
      const env = service.environment ?? {};
      for (const key of Object.keys(env)) expect(Object.keys(unit.settings)).toContain(key);
      const config = unit.loadConfig(env) as Record<string, unknown>;
      expect(unit.listenOn(config as never)).toMatchObject({ port, host: "0.0.0.0" });
      const url = String(config[`${name.toUpperCase()}_DB_URL`]);
      expect(dialectOfUrl(url)).toBe(PRODUCTION_DIALECT[name] ?? "postgres");
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
