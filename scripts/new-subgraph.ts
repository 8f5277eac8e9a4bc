import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parse as parseYaml } from "yaml";
import { answerHelp, usageError } from "./cli";
import { ROOT, type ManifestEntry, readManifest, unitCommand } from "./manifest";
import { type KubernetesScaffold, addToKubernetes } from "./new-subgraph-kubernetes";

/**
 * `npm run new-subgraph -- <name>`: a fifth (sixth...) business unit from the
 * templates in scripts/templates/subgraph, wired into everything that lists
 * units (manifest, docker-compose.yml, Prometheus' scrape jobs, the PostgreSQL
 * init script, the Kubernetes manifests), so the unit writes only its domain code.
 */
const TEMPLATES = join(ROOT, "scripts", "templates", "subgraph");
const NAME = /^[a-z][a-z0-9]{1,30}$/;
/** Names taken by other processes and services, or by the gateway's settings prefix. */
const RESERVED = new Set(["gateway", "subgraph", "subgraphs", "kit", "postgres", "mariadb", "schema", "demo", "test"]);

export interface Scaffolded {
  name: string;
  port: number;
  field: string;
  files: string[];
  /** What could not be added to docker-compose.yml automatically, to add by hand. */
  composeSnippet?: string;
  kubernetes: KubernetesScaffold;
}

export function placeholders(name: string, port: number): Record<string, string> {
  const upper = name.toUpperCase();
  return { __unit__: name, __Unit__: `${name[0].toUpperCase()}${name.slice(1)}`, __UNIT__: upper, __PORT__: String(port), __field__: `${name}Since` };
}

function render(text: string, values: Record<string, string>): string {
  return text.replace(/__(unit|Unit|UNIT|PORT|field)__/g, (token) => values[token]);
}

function templates(dir = TEMPLATES): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return templates(path);
    return entry.name.endsWith(".tmpl") ? [path] : [];
  });
}

export function checkName(name: string | undefined, entries: readonly ManifestEntry[], root: string): string {
  if (!name || !NAME.test(name)) throw new Error(`a unit name is 2-31 lower-case letters and digits, starting with a letter (got ${JSON.stringify(name ?? "")})`);
  if (RESERVED.has(name)) throw new Error(`"${name}" is reserved`);
  if (entries.some((e) => e.name === name) || existsSync(join(root, "subgraphs", name))) throw new Error(`subgraphs/${name} already exists`);
  return name;
}

export function manifestText(entries: readonly ManifestEntry[], comment: string): string {
  const lines = entries.map((e) => `    { "name": ${JSON.stringify(e.name)}, "port": ${e.port}${e.productionSilo ? `, "productionSilo": ${JSON.stringify(e.productionSilo)}` : ""} }`);
  return `{\n  "$comment": ${JSON.stringify(comment)},\n  "subgraphs": [\n${lines.join(",\n")}\n  ]\n}\n`;
}

/** The unit's service, on the shared PostgreSQL server, as the existing units are written. */
export function composeService(name: string, port: number): string {
  const p = placeholders(name, port).__UNIT__;
  return [
    `  ${name}:`,
    "    build: .",
    `    command: [${unitCommand(name)
      .map((arg) => JSON.stringify(arg))
      .join(", ")}]`,
    "    environment:",
    `      ${p}_HOST: 0.0.0.0`,
    `      ${p}_PORT: "${port}"`,
    `      ${p}_DB_URL: postgres://graph:graph@postgres:5432/${name}`,
    `      ${p}_BROKER_URL: nats://nats:4222`,
    "    depends_on:",
    "      postgres: { condition: service_healthy }",
    "    healthcheck:",
    `      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:${port}/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]`,
    "      <<: *subgraph-health",
    "",
  ].join("\n");
}

/** docker-compose.yml with the unit's service and the gateway pointed at it; null when the file is not laid out as expected. */
export function addToCompose(text: string, name: string, port: number): string | null {
  const gatewayAt = text.indexOf("\n  gateway:\n");
  if (gatewayAt < 0) return null;
  const head = text.slice(0, gatewayAt + 1);
  // The gateway's block ends at the next line indented less than its keys (the next service).
  const blockEnd = /\n(?= {0,3}\S)/.exec(text.slice(gatewayAt + 1 + "  gateway:\n".length));
  const end = blockEnd ? gatewayAt + 1 + "  gateway:\n".length + blockEnd.index + 1 : text.length;
  let gateway = text.slice(gatewayAt + 1, end);
  const tail = text.slice(end);
  const afterLast = (pattern: RegExp, line: string): boolean => {
    const matches = [...gateway.matchAll(pattern)];
    const last = matches.at(-1);
    if (!last) return false;
    const at = last.index + last[0].length;
    gateway = `${gateway.slice(0, at)}\n${line}${gateway.slice(at)}`;
    return true;
  };
  const upper = name.toUpperCase();
  if (!afterLast(/^ {6}SUBGRAPH_[A-Z0-9_]+_URL: .*$/gm, `      SUBGRAPH_${upper}_URL: http://${name}:${port}/graphql`)) return null;
  if (!afterLast(/^ {6}[a-z0-9]+: \{ condition: service_healthy \}$/gm, `      ${name}: { condition: service_healthy }`)) return null;
  const updated = `${head}${composeService(name, port)}\n${gateway}${tail}`;
  const parsed = parseYaml(updated) as { services?: Record<string, { environment?: Record<string, string> }> };
  return parsed.services?.[name] && parsed.services.gateway?.environment?.[`SUBGRAPH_${upper}_URL`] ? updated : null;
}

/**
 * The unit's files and the manifest, laid out as the repository's Prettier config
 * says, so `npm test`'s format check passes on a new unit as it does on the
 * others (the YAML the scaffold adds to is written in the layout it already has).
 * Without Prettier (an install without dev dependencies) nothing is rewritten.
 */
function formatInPlace(root: string, paths: string[]): void {
  // Only under the repository's own Prettier config: without it Prettier's defaults would lay the files out otherwise.
  if (!existsSync(join(root, ".prettierrc.json"))) return;
  let prettier: string;
  try {
    prettier = require.resolve("prettier/bin/prettier.cjs", { paths: [root] });
  } catch {
    return;
  }
  const run = spawnSync(process.execPath, [prettier, "--write", "--log-level", "warn", ...paths.filter((p) => existsSync(join(root, p)))], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`prettier could not format what was scaffolded: ${run.stderr || run.stdout}`);
}

export function scaffold(name: string, root = ROOT): Scaffolded {
  const entries = readManifest(root);
  checkName(name, entries, root);
  const port = Math.max(4000, ...entries.map((e) => e.port)) + 1;
  const values = placeholders(name, port);
  const target = join(root, "subgraphs", name);
  const files: string[] = [];
  for (const template of templates()) {
    const path = join(target, render(relative(TEMPLATES, template), values).replace(/\.tmpl$/, ""));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, render(readFileSync(template, "utf8"), values));
    files.push(relative(root, path));
  }

  const manifestPath = join(root, "subgraphs", "manifest.json");
  const { $comment } = JSON.parse(readFileSync(manifestPath, "utf8")) as { $comment: string };
  writeFileSync(manifestPath, manifestText([...entries, { name, port }], $comment));

  const initSql = join(root, "deploy", "postgres-init.sql");
  if (existsSync(initSql)) writeFileSync(initSql, `${readFileSync(initSql, "utf8").trimEnd()}\nCREATE DATABASE ${name};\n`);

  const prometheus = join(root, "deploy", "prometheus.yml");
  if (existsSync(prometheus)) {
    const job = [`  - job_name: ${name}`, "    dns_sd_configs:", `      - names: ["${name}"]`, "        type: A", `        port: ${port}`];
    writeFileSync(prometheus, `${readFileSync(prometheus, "utf8").trimEnd()}\n${job.join("\n")}\n`);
  }

  const composePath = join(root, "docker-compose.yml");
  const compose = existsSync(composePath) ? addToCompose(readFileSync(composePath, "utf8"), name, port) : null;
  if (compose) writeFileSync(composePath, compose);
  const kubernetes = addToKubernetes(root, name, port, readFileSync(join(ROOT, "scripts", "templates", "kubernetes", "unit.yaml.tmpl"), "utf8"));
  formatInPlace(root, [join("subgraphs", name), join("subgraphs", "manifest.json")]);
  return { name, port, field: values.__field__, files, composeSnippet: compose ? undefined : composeService(name, port), kubernetes };
}

const USAGE = `usage: npm run new-subgraph -- <name>
Scaffolds a business unit in subgraphs/<name>/ (2-31 lower-case letters and digits) from
scripts/templates/subgraph/, on the next free port, and adds it to subgraphs/manifest.json,
docker-compose.yml and deploy/postgres-init.sql. Then: npm run schema, npm start.`;

function main(): number {
  answerHelp(USAGE);
  let done: Scaffolded;
  try {
    done = scaffold(process.argv[2] ?? "");
  } catch (err) {
    usageError(`new-subgraph: ${(err as Error).message}`, USAGE);
    return 1;
  }
  const out = [
    `Created subgraphs/${done.name}/ on port ${done.port}:`,
    ...done.files.map((f) => `  ${f}`),
    `Added ${done.name} to subgraphs/manifest.json${done.composeSnippet ? "" : ", docker-compose.yml"}, deploy/prometheus.yml and deploy/postgres-init.sql.`,
    ...(done.composeSnippet ? ["Add this service to docker-compose.yml, and point the gateway at it (SUBGRAPH_" + done.name.toUpperCase() + `_URL, depends_on):`, done.composeSnippet] : []),
    ...(done.kubernetes.written.length > 0 ? [`Added ${done.name} to deploy/kubernetes: ${done.kubernetes.written.join(", ")}.`] : []),
    ...(done.kubernetes.manual ? [done.kubernetes.manual] : []),
    "Next:",
    `  npm run schema                                      # prints schema/${done.name}.graphql, composes the supergraph`,
    `  npx jest --selectProjects unit -- subgraphs/${done.name}   # the unit's own test`,
    `  npm start                                           # then ask { customer(id: "C000001") { name ${done.field} } }`,
    `Its touch points (Customer.${done.name}TouchPoints) join Customer.timeline once promotions is next built; no other unit changes.`,
    `Then replace the example field, table and seed with ${done.name}'s own domain; see "For business units" in README.md.`,
    "",
  ];
  process.stdout.write(out.join("\n"));
  return 0;
}

if (require.main === module) process.exit(main());
