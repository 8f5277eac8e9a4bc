import "reflect-metadata";
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { EXAMPLES } from "../demo/examples";
import { CompositionError, composeUnits } from "./compose";
import { compareApis, formatReport, isBreaking } from "./contract";
import { ROOT, readManifest } from "./manifest";
import { PUBLIC_CONTRACT } from "./public-contract";

/**
 * `npm run contract-check -- <unit> [--schema-dir <dir>]`: what a unit runs
 * before it deploys alone. Its subgraph is built from its code; every other
 * unit is taken as committed (schema/<name>.graphql), since that is what runs.
 * It must compose with them, and the composed API is compared with the
 * committed supergraph: removals and retypings fail (exit 1), additions pass.
 */
function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<number> {
  const unit = process.argv[2];
  const dir = option("--schema-dir") ?? join(ROOT, "schema");
  const entries = readManifest();
  if (!unit || unit.startsWith("--") || !entries.some((e) => e.name === unit)) {
    process.stderr.write(`usage: npm run contract-check -- <unit> [--schema-dir <dir>]\nunits: ${entries.map((e) => e.name).join(", ")}\n`);
    return 2;
  }
  const shown = (path: string) => (relative(ROOT, path).startsWith("..") ? path : relative(ROOT, path));
  const committed = new Map<string, string>();
  for (const { name } of entries.filter((e) => e.name !== unit)) {
    const path = join(dir, `${name}.graphql`);
    if (!existsSync(path)) throw new Error(`no committed SDL for ${name} at ${shown(path)}; run \`npm run schema\` where ${name} is current`);
    committed.set(name, readFileSync(path, "utf8"));
  }
  const supergraphPath = join(dir, "supergraph.graphql");
  const before = readFileSync(supergraphPath, "utf8");

  let after: string;
  try {
    after = (await composeUnits(entries, committed)).supergraph;
  } catch (err) {
    if (!(err instanceof CompositionError)) throw err;
    process.stdout.write(`✗ ${unit} from code does not compose with the committed SDL of ${[...committed.keys()].join(", ")}:\n  ${err.errors.join("\n  ")}\n`);
    return 1;
  }
  process.stdout.write(`${unit} from code composes with the committed SDL of ${[...committed.keys()].join(", ")}.\n`);

  const operations = EXAMPLES.map((e) => ({ name: `GraphiQL example "${e.title}"`, query: e.query }));
  const report = compareApis(before, after, { contract: PUBLIC_CONTRACT, operations });
  process.stdout.write(formatReport(report, shown(supergraphPath)));
  if (isBreaking(report)) {
    const count = report.breaking.length + report.brokenOperations.length;
    process.stdout.write(
      `✗ ${count} breaking change${count > 1 ? "s" : ""}: do not deploy ${unit} alone. Add the new shape beside the old, deprecate the old, and remove it once no client sends it.\n`,
    );
    return 1;
  }
  process.stdout.write(`✓ no breaking change: ${unit} can be deployed without the other units.\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`contract-check failed: ${(err as Error).message}\n`);
    process.exit(2);
  },
);
