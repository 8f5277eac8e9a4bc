import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments } from "yaml";
import { readManifest } from "../../scripts/manifest";
import { kubernetesUnit } from "../../scripts/new-subgraph-kubernetes";
import { checkManifests } from "../support/kubernetes-checks";
import { type KObject, kustomize } from "../support/kustomize";

/**
 * There is no cluster and no kubectl where the tests run: the production
 * overlay is rendered here (test/support/kustomize.ts), every object is
 * validated against the Kubernetes API schema, and the references between
 * objects and to the code are followed (test/support/kubernetes-checks.ts).
 */
const ROOT = join(__dirname, "..", "..");
const KUBERNETES = join(ROOT, "deploy", "kubernetes");
const OVERLAY = join("overlays", "production");
const EXAMPLE = readFileSync(join(KUBERNETES, OVERLAY, "secrets.env.example"), "utf8");
/** secrets.env as an operator fills it in: the example, with a value for every secret it leaves empty. */
const FILLED = EXAMPLE.replace(/^(\w+)=$/gm, (_line, key: string) => `${key}=${key.toLowerCase()}-from-the-test`);

const render = (root = KUBERNETES, secrets = FILLED) => kustomize(join(root, OVERLAY), { standIns: { "secrets.env": secrets } });
const find = (objects: KObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

/** A copy of deploy/kubernetes, with secrets.env written as kubectl would need it. */
function copy(secrets = FILLED): string {
  const dir = join(mkdtempSync(join(tmpdir(), "cg-kubernetes-")), "kubernetes");
  cpSync(KUBERNETES, dir, { recursive: true });
  writeFileSync(join(dir, OVERLAY, "secrets.env"), secrets);
  return dir;
}

describe("deploy/kubernetes, production overlay", () => {
  const objects = render();

  it("passes the Kubernetes API schema and every cross-check against the code", () => {
    expect(checkManifests(objects, readManifest())).toEqual([]);
  });

  it("runs the gateway behind an autoscaler and a disruption budget, and each unit, in one namespace", () => {
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    for (const name of ["gateway", ...readManifest().map((u) => u.name)]) expect(kinds).toEqual(expect.arrayContaining([`Deployment/${name}`, `Service/${name}`]));
    expect(kinds).toEqual(expect.arrayContaining(["HorizontalPodAutoscaler/gateway", "PodDisruptionBudget/gateway", "ConfigMap/supergraph", "Namespace/customer-graph"]));
    expect(new Set(objects.filter((o) => o.kind !== "Namespace").map((o) => o.metadata.namespace))).toEqual(new Set(["customer-graph"]));
  });

  it("points every gateway replica at one Redis, a Service of the overlay's", () => {
    const gateway = find(objects, "Deployment", "gateway") as unknown as { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } };
    const url = gateway.spec.template.spec.containers[0].env.find((e) => e.name === "GATEWAY_REDIS_URL")?.value;
    expect(url).toMatch(/^redis:\/\//);
    const redis = find(objects, "Service", new URL(url!).hostname) as unknown as { spec: { externalName?: string; ports: { port: number }[] } };
    expect(redis.spec.ports.map((p) => String(p.port))).toContain(new URL(url!).port || "6379");
    expect(redis.spec.externalName).not.toMatch(/\.invalid$/);
  });

  it("points every unit of the manifest at one event broker, a Service of the overlay's", () => {
    const envOf = (name: string) => (find(objects, "Deployment", name) as unknown as { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } }).spec.template.spec.containers[0].env;
    const urls = readManifest().map(({ name }) => [name, envOf(name).find((e) => e.name === `${name.toUpperCase()}_BROKER_URL`)?.value]);
    for (const [name, url] of urls) expect([name, url]).toEqual([name, expect.stringMatching(/^nats:\/\//)]);
    expect(new Set(urls.map(([, url]) => url)).size).toBe(1);
    const url = new URL(urls[0][1]!);
    const nats = find(objects, "Service", url.hostname) as unknown as { spec: { externalName?: string; ports: { port: number }[] } };
    expect(nats.spec.ports.map((p) => String(p.port))).toContain(url.port);
    expect(nats.spec.externalName).not.toMatch(/\.invalid$/);
  });

  it("mounts the committed supergraph (npm run schema copies it beside the base)", () => {
    const data = find(objects, "ConfigMap", "supergraph")?.data as Record<string, string>;
    expect(data["supergraph.graphql"]).toBe(readFileSync(join(ROOT, "schema", "supergraph.graphql"), "utf8"));
    // A ConfigMap holds at most 1 MiB.
    expect(Buffer.byteLength(data["supergraph.graphql"])).toBeLessThan(1024 * 1024);
  });

  it("names the Secret after its content, so a changed secret rolls the pods that read it", () => {
    const names = (o: KObject[]) => o.filter((x) => x.kind === "Secret").map((x) => x.metadata.name);
    expect(names(objects)).toEqual([expect.stringMatching(/^customer-graph-secrets-[a-z0-9]{10}$/)]);
    expect(names(render(KUBERNETES, FILLED.replace(/^GRAPH_SIGNING_SECRET=.*$/m, "GRAPH_SIGNING_SECRET=rotated")))).not.toEqual(names(objects));
  });

  it("refuses to start on the example Secret copied unchanged: its empty secrets are the development defaults", () => {
    const problems = checkManifests(render(KUBERNETES, EXAMPLE), readManifest());
    expect(problems).toContainEqual(expect.stringMatching(/^Deployment\/gateway: gateway would not start: .*GRAPH_SIGNING_SECRET is the development default/));
    for (const { name } of readManifest()) expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^Deployment/${name}: ${name} would not start`)));
  });

  it("gives a unit from npm run new-subgraph the shape of the units here (its template renders retail's file)", () => {
    const template = readFileSync(join(ROOT, "scripts", "templates", "kubernetes", "unit.yaml.tmpl"), "utf8");
    expect(kubernetesUnit(template, { __unit__: "retail", __UNIT__: "RETAIL", __PORT__: "4003" })).toBe(readFileSync(join(KUBERNETES, "base", "retail.yaml"), "utf8"));
  });

  it("keeps the filled-in secrets.env out of git", () => {
    expect(readFileSync(join(ROOT, ".gitignore"), "utf8").split("\n")).toContain("deploy/kubernetes/overlays/production/secrets.env");
  });

  const kubectl = (process.env.PATH ?? "").split(delimiter).some((dir) => existsSync(join(dir, "kubectl")));
  (kubectl ? it : it.skip)("renders object for object what kubectl kustomize renders (where kubectl is installed)", () => {
    const dir = copy();
    try {
      const theirs = parseAllDocuments(execFileSync("kubectl", ["kustomize", join(dir, OVERLAY)], { encoding: "utf8" })).map((d) => d.toJS() as KObject);
      const key = (o: KObject) => `${o.kind}/${o.metadata.name}`;
      const ours = new Map(render(dir).map((o) => [key(o), JSON.parse(JSON.stringify(o)) as unknown]));
      expect([...ours.keys()].sort()).toEqual(theirs.map(key).sort());
      for (const o of theirs) expect([key(o), isDeepStrictEqual(ours.get(key(o)), o)]).toEqual([key(o), true]);
    } finally {
      rmSync(join(dir, ".."), { recursive: true, force: true });
    }
  });
});

describe("deploy/kubernetes, broken on purpose in a copy", () => {
  // Each case changes one line of a copy and names the problem the checks must report.
  const cases: [string, string, string, string, RegExp][] = [
    ["a port that is not a number (schema)", "base/gateway.yaml", "containerPort: 4000", 'containerPort: "4000"', /^Deployment\/gateway: .*containerPort must be integer/],
    ["a misspelt setting", "base/gateway.yaml", "- name: GATEWAY_PORT\n", "- name: GATEWAY_PROT\n", /GATEWAY_PROT is not a setting of gateway/],
    [
      "the gateway without its malloc setting",
      "base/gateway.yaml",
      'name: MALLOC_ARENA_MAX\n              value: "2"',
      'name: MALLOC_ARENA_MAX\n              value: "8"',
      /^Deployment\/gateway: the gateway must run with MALLOC_ARENA_MAX=2 \(GATEWAY_ENV/,
    ],
    ["a Service selecting no pods", "base/retail.yaml", "spec:\n  selector:\n    app.kubernetes.io/name: retail", "spec:\n  selector:\n    app.kubernetes.io/name: retial", /^Service\/retail: its selector matches the pods of 0 Deployments/],
    ["a key the Secret does not have", "base/bookings.yaml", "key: BOOKINGS_DB_URL", "key: BOOKING_DB_URL", /BOOKINGS_DB_URL reads key BOOKING_DB_URL of Secret\/customer-graph-secrets-\w+, which has no such key/],
    ["a probe on a port the process does not listen on", "base/billing.yaml", "path: /health\n              port: http", "path: /health\n              port: 4999", /^Deployment\/billing: readiness probe port 4999 is not the port billing listens on/],
    ["the supergraph mounted by subPath", "base/gateway.yaml", "readOnly: true\n", "readOnly: true\n              subPath: supergraph.graphql\n", /subPath, which never sees a ConfigMap update/],
    ["a unit on the wrong kind of silo", "overlays/production/secrets.env", "BILLING_DB_URL=mysql://", "BILLING_DB_URL=postgres://", /BILLING_DB_URL is a postgres URL; billing's production silo is mysql/],
  ];

  it.each(cases)("fails on %s", (_what, file, from, to, problem) => {
    const dir = copy();
    try {
      const path = join(dir, file);
      const text = readFileSync(path, "utf8");
      expect(text).toContain(from);
      writeFileSync(path, text.replace(from, to));
      const problems = checkManifests(render(dir), readManifest());
      expect(problems).toContainEqual(expect.stringMatching(problem));
    } finally {
      rmSync(join(dir, ".."), { recursive: true, force: true });
    }
  });
});
