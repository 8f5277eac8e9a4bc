import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { ROOT } from "../../scripts/manifest";
import { type Stack, startStack } from "../support/stack";

/**
 * A new business unit from `npm run new-subgraph`, in a copy of the
 * repository: it type-checks, passes its own test and the contract check,
 * composes with the units there are, answers its field through the gateway and
 * shows in the customer timeline, as real processes, with no other unit's
 * code changed.
 */
const run = promisify(execFile);
/** The units before the scaffold runs, and the port it should take: the next after theirs. */
const UNITS = (JSON.parse(readFileSync(join(ROOT, "subgraphs", "manifest.json"), "utf8")) as { subgraphs: { name: string; port: number }[] }).subgraphs;
const PORT = Math.max(...UNITS.map((u) => u.port)) + 1;
// Everything tsconfig.json type-checks that the copy's code leans on: bench/ holds
// the autocannon declaration test/support's load script compiles against, and
// the planner's tests take their supergraphs from test/federation's groups.
const COPIED = [
  "kit",
  "gateway",
  "subgraphs",
  "scripts",
  "demo",
  "schema",
  "deploy",
  "bench",
  "test/support",
  "test/federation",
  "test/unit/kubernetes.test.ts",
  "package.json",
  "tsconfig.json",
  "tsconfig.build.json",
  "tsconfig.jest.json",
  "jest.config.js",
  "docker-compose.yml",
  ".gitignore",
  ".prettierrc.json",
  ".prettierignore",
  "eslint.config.mjs",
];

function copyRepository(): string {
  const copy = mkdtempSync(join(tmpdir(), "cg-scaffold-"));
  for (const path of COPIED) cpSync(join(ROOT, path), join(copy, path), { recursive: true });
  // The compiled graph (npm test builds first), without the IDE bundle this test does not use.
  cpSync(join(ROOT, "dist"), join(copy, "dist"), { recursive: true, filter: (src) => !src.startsWith(join(ROOT, "dist", "graphiql")) });
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
  return copy;
}

describe("a unit scaffolded by npm run new-subgraph", () => {
  let copy = "";
  const node = (args: string[]) => run(process.execPath, args, { cwd: copy, env: { ...process.env, FORCE_COLOR: "0" } });
  let printed = "";
  let stack: Stack | undefined;

  beforeAll(async () => {
    copy = copyRepository();
    printed = (await node([join("dist", "scripts", "new-subgraph.js"), "support"])).stdout;
    // Builds the new unit and type-checks everything, its test included.
    await node([require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"]);
    await node([join("dist", "scripts", "schema.js")]);
    stack = await startStack({ root: copy, env: { GATEWAY_LOG_LEVEL: "error", GATEWAY_GRAPHIQL: "false" } });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it("passes the repository's lint and format checks, as the units here do", async () => {
    const written = ["subgraphs/support", "subgraphs/manifest.json", "docker-compose.yml", "deploy"];
    await node([require.resolve("prettier/bin/prettier.cjs"), "--check", ...written]);
    await node([join(dirname(require.resolve("eslint/package.json")), "bin", "eslint.js"), "subgraphs/support"]);
  }, 60_000);

  it("lists the unit wherever units are listed, on the next free port", () => {
    expect(printed).toMatch(new RegExp(`Created subgraphs/support/ on port ${PORT}`));
    const manifest = JSON.parse(readFileSync(join(copy, "subgraphs", "manifest.json"), "utf8")) as { subgraphs: { name: string; port: number }[] };
    expect(manifest.subgraphs.at(-1)).toEqual({ name: "support", port: PORT });
    const compose = parse(readFileSync(join(copy, "docker-compose.yml"), "utf8")) as { services: Record<string, { environment?: Record<string, string>; depends_on?: Record<string, unknown> }> };
    expect(compose.services.support.environment).toMatchObject({ SUPPORT_PORT: String(PORT), SUPPORT_DB_URL: "postgres://graph:graph@postgres:5432/support", SUPPORT_BROKER_URL: "nats://nats:4222" });
    expect(compose.services.gateway.environment?.SUBGRAPH_SUPPORT_URL).toBe(`http://support:${PORT}/graphql`);
    expect(compose.services.gateway.depends_on?.support).toEqual({ condition: "service_healthy" });
    expect(readFileSync(join(copy, "deploy", "postgres-init.sql"), "utf8")).toMatch(/CREATE DATABASE support;\n$/);
    expect(readFileSync(join(copy, "schema", "supergraph.graphql"), "utf8")).toContain(`SUPPORT @join__graph(name: "support", url: "http://127.0.0.1:${PORT}/graphql")`);
    expect(printed).toMatch(/Added support to deploy\/kubernetes: deploy\/kubernetes\/base\/support\.yaml/);
    const scrape = parse(readFileSync(join(copy, "deploy", "prometheus.yml"), "utf8")) as { scrape_configs: { job_name: string; dns_sd_configs: unknown[] }[] };
    expect(scrape.scrape_configs.at(-1)).toEqual({ job_name: "support", dns_sd_configs: [{ names: ["support"], type: "A", port: PORT }] });
  });

  it("lands in the Kubernetes manifests as the other units are, passing their checks", async () => {
    const { stderr } = await node([require.resolve("jest/bin/jest"), "--selectProjects", "unit", "--", "test/unit/kubernetes.test.ts"]);
    expect(stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(stderr).not.toMatch(/failed/);
  }, 60_000);

  it("refuses a name that is taken or malformed", async () => {
    for (const name of ["support", "billing", "Bad-Name", "gateway"]) {
      await expect(node([join("dist", "scripts", "new-subgraph.js"), name])).rejects.toMatchObject({ code: 1 });
    }
  });

  it("passes the test it was generated with", async () => {
    const { stderr } = await node([require.resolve("jest/bin/jest"), "--selectProjects", "unit", "--", "subgraphs/support"]);
    expect(stderr).toMatch(/Tests:\s+1 passed, 1 total/);
  }, 60_000);

  it("joins the customer timeline, and no other unit's code changed for it", async () => {
    const { data, errors } = await stack!.query(`{ customer(id: "C000004") { timeline(first: 200) { unit kind ref } timelineMissingUnits } }`);
    expect(errors).toBeUndefined();
    expect(data.customer.timeline).toContainEqual({ unit: "SUPPORT", kind: "first-contact", ref: "C000004" });
    expect(data.customer.timelineMissingUnits).toEqual([]);
    for (const { name: unit } of UNITS) {
      const files = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(join(dir, f)).isFile()).sort();
      const mine = join(ROOT, "subgraphs", unit);
      expect(files(join(copy, "subgraphs", unit))).toEqual(files(mine));
      for (const file of files(mine)) expect(readFileSync(join(copy, "subgraphs", unit, file), "utf8")).toBe(readFileSync(join(mine, file), "utf8"));
    }
  });

  it("passes the contract check against the graph as deployed, told that the timeline reads it once promotions is next deployed", async () => {
    const { stdout } = await node([join("dist", "scripts", "contract-check.js"), "support", "--schema-dir", join(ROOT, "schema")]);
    expect(stdout).toMatch(/✓ support fails alone/);
    expect(stdout).toMatch(/Customer\.supportTouchPoints joins Customer\.timeline once the unit that merges it is next built and deployed/);
    expect(stdout).toMatch(/✓ no breaking change: support can be deployed without the other units/);
  }, 60_000);

  it("answers its new field through the gateway, beside the other units", async () => {
    const { data, errors } = await stack!.query(`{ customer(id: "C000001") { name stayCount supportSince } }`, undefined, { "x-channel": "WEB" });
    expect(errors).toBeUndefined();
    expect(data.customer).toMatchObject({ name: "Maria Schmidt", stayCount: 5 });
    expect(data.customer.supportSince).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  });
});
