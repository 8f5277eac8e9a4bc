import "reflect-metadata";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CompositionError, composeUnits } from "./compose";
import { answerHelp } from "./cli";
import { ROOT, readManifest } from "./manifest";

/**
 * `npm run schema`: print each unit's SDL into schema/<name>.graphql and
 * compose schema/supergraph.graphql (and its copy for Kubernetes,
 * deploy/kubernetes/base/supergraph.graphql). `--check` changes nothing and fails
 * when the committed files differ from what the code produces (CI runs it).
 */
const USAGE = `usage: npm run schema [-- --check]
Prints each unit's SDL into schema/<unit>.graphql and composes schema/supergraph.graphql.
  --check   change nothing; exit 1 when schema/ differs from what the code produces`;

async function main(): Promise<number> {
  answerHelp(USAGE);
  const check = process.argv.includes("--check");
  const entries = readManifest();
  const composed = await composeUnits(entries);
  for (const hint of composed.hints) process.stderr.write(`hint: ${hint}\n`);
  const files = new Map<string, string>([...composed.subgraphs].map(([name, sdl]) => [join(ROOT, "schema", `${name}.graphql`), sdl]));
  files.set(join(ROOT, "schema", "supergraph.graphql"), `${composed.supergraph}\n`);
  // The Kubernetes base mounts the supergraph from a ConfigMap that kustomize
  // builds from a file in its own folder (it reads none outside it).
  const kubernetes = join(ROOT, "deploy", "kubernetes", "base");
  if (existsSync(kubernetes)) files.set(join(kubernetes, "supergraph.graphql"), `${composed.supergraph}\n`);
  const stale: string[] = [];
  for (const [path, text] of files) {
    let current = "";
    try {
      current = readFileSync(path, "utf8");
    } catch {
      /* missing counts as stale */
    }
    if (current === text) continue;
    stale.push(path.slice(ROOT.length + 1));
    if (!check) writeFileSync(path, text);
  }
  if (check && stale.length > 0) {
    process.stderr.write(`out of date with the code: ${stale.join(", ")}\nrun \`npm run schema\` and commit the result\n`);
    return 1;
  }
  process.stdout.write(check ? "schema/ matches the code\n" : stale.length ? `wrote ${stale.join(", ")}\n` : "schema/ already up to date\n");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(err instanceof CompositionError ? `${err.message}\n` : `${(err as Error).stack}\n`);
    process.exit(1);
  },
);
