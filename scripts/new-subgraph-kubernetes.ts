import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

/**
 * The Kubernetes part of `npm run new-subgraph`: the unit's Deployment,
 * Service and disruption budget (scripts/templates/kubernetes/unit.yaml.tmpl,
 * the shape of the units in deploy/kubernetes/base), its silo as an external
 * Service, the gateway's SUBGRAPH_<NAME>_URL, its key in the example Secret
 * and its replicas in the production overlay. All or nothing: when a file is
 * not laid out as expected, nothing is written and the steps are returned
 * to do by hand.
 */
export interface KubernetesScaffold {
  /** Files written, relative to the repository root; empty when the steps must be done by hand. */
  written: string[];
  /** What to add by hand when a file was not laid out as expected. */
  manual?: string;
}

/** The unit's Deployment, Service and PodDisruptionBudget. */
export function kubernetesUnit(template: string, values: Record<string, string>): string {
  return template.replace(/__(unit|UNIT|PORT)__/g, (token) => values[token]);
}

/** Inserts `line` after the last match of `pattern`; null when nothing matches. */
function afterLast(text: string, pattern: RegExp, line: string): string | null {
  const last = [...text.matchAll(pattern)].at(-1);
  if (!last) return null;
  const at = last.index + last[0].length;
  return `${text.slice(0, at)}${line}${text.slice(at)}`;
}

export function addToKubernetes(root: string, name: string, port: number, template: string): KubernetesScaffold {
  const dir = join(root, "deploy", "kubernetes");
  if (!existsSync(dir)) return { written: [] };
  const upper = name.toUpperCase();
  const silo = [`---`, `apiVersion: v1`, `kind: Service`, `metadata:`, `  name: ${name}-silo`, `spec:`, `  type: ExternalName`, `  externalName: ${name}-silo.invalid`, `  ports:`, `    - name: postgres`, `      port: 5432`, ``].join("\n");
  const dbUrl = `${upper}_DB_URL=postgres://graph_${name}:change-me@${name}-silo:5432/${name}\n`;
  const edits: [string, (text: string) => string | null, string][] = [
    ["base/kustomization.yaml", (t) => afterLast(t, /^ {2}- (?!external-services)[a-z0-9-]+\.yaml\n/gm, `  - ${name}.yaml\n`), `add \`- ${name}.yaml\` to its resources`],
    [
      "base/gateway.yaml",
      (t) => afterLast(t, /^ {12}- name: SUBGRAPH_[A-Z0-9_]+_URL\n {14}value: \S+\n/gm, `            - name: SUBGRAPH_${upper}_URL\n              value: http://${name}:${port}/graphql\n`),
      `add SUBGRAPH_${upper}_URL=http://${name}:${port}/graphql to the gateway's env`,
    ],
    ["base/external-services.yaml", (t) => afterLast(t, /^ {6}port: \d+\n/gm, silo), `add the Service ${name}-silo (ExternalName)`],
    ["overlays/production/external-services.yaml", (t) => `${t.trimEnd()}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}-silo\nspec:\n  externalName: ${name}-db.example.internal\n`, `set ${name}-silo's externalName`],
    ["overlays/production/secrets.env.example", (t) => `${t.trimEnd()}\n${dbUrl}`, `add ${dbUrl.trim()}`],
    ["overlays/production/kustomization.yaml", (t) => afterLast(t, /^ {2}- name: [a-z0-9]+\n {4}count: \d+\n/gm, `  - name: ${name}\n    count: 2\n`), `give ${name} 2 replicas`],
  ];
  const changed = new Map<string, string>([[`base/${name}.yaml`, kubernetesUnit(template, { __unit__: name, __UNIT__: upper, __PORT__: String(port) })]]);
  const manual: string[] = [];
  for (const [file, edit, step] of edits) {
    const path = join(dir, file);
    const updated = existsSync(path) ? edit(readFileSync(path, "utf8")) : null;
    const broken = updated === null || (file.endsWith(".yaml") && parseAllDocuments(updated).some((doc) => doc.errors.length > 0));
    if (broken) manual.push(`deploy/kubernetes/${file}: ${step}`);
    else changed.set(file, updated!);
  }
  if (manual.length > 0) {
    return { written: [], manual: [`Write deploy/kubernetes/base/${name}.yaml from scripts/templates/kubernetes/unit.yaml.tmpl, then:`, ...manual.map((m) => `  ${m}`)].join("\n") };
  }
  for (const [file, text] of changed) writeFileSync(join(dir, file), text);
  return { written: [...changed.keys()].map((file) => `deploy/kubernetes/${file}`) };
}
