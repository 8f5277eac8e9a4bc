import "reflect-metadata";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLES } from "../demo/examples";
import { CompositionError, composeUnits } from "./compose";
import { compareApis, formatReport, isBreaking } from "./contract";
import { answerHelp, usageError } from "./cli";
import { failAloneViolations, timelineStanding } from "./fail-alone";
import { touchPointsField } from "../kit/manifest";
import { ROOT, readManifest } from "./manifest";
import { PUBLIC_CONTRACT } from "./public-contract";

/**
 * `npm run contract-check -- <unit> [--base <git ref> | --schema-dir <dir>]`:
 * what a unit runs before it deploys alone. Its subgraph is built from its
 * code; every other unit is taken as deployed: its SDL in schema/ at the base
 * (the `main` branch unless told otherwise, or the files of --schema-dir).
 * It must compose with them, and the composed API is compared with the base's
 * supergraph: removals and retypings fail (exit 1), additions pass.
 */
interface Baseline {
  label: string;
  /** A file of schema/ as deployed; null when the base has none (a unit not deployed yet). */
  read(file: string): string | null;
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

function baseline(): Baseline {
  const dir = option("--schema-dir");
  const fromDir = (path: string, label: string): Baseline => ({ label, read: (file) => (existsSync(join(path, file)) ? readFileSync(join(path, file), "utf8") : null) });
  if (dir) return fromDir(dir, dir);
  const ref = option("--base") ?? "main";
  try {
    execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: ROOT, stdio: "ignore" });
  } catch {
    if (option("--base")) throw new Error(`no git commit "${ref}" to compare with`);
    return fromDir(join(ROOT, "schema"), "schema/ in the working tree (no main branch here)");
  }
  return {
    label: `schema/ at ${ref}`,
    read(file) {
      try {
        return execFileSync("git", ["show", `${ref}:schema/${file}`], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      } catch {
        return null;
      }
    },
  };
}

function usage(units: readonly string[]): string {
  return `usage: npm run contract-check -- <unit> [--base <git ref> | --schema-dir <dir>]
Builds <unit>'s subgraph from its code, composes it with the other units as deployed (their
schema/<unit>.graphql at --base, default the main branch, or the files of --schema-dir) and
compares the result with the supergraph there. Exit 1 on a breaking change, 0 otherwise.
units: ${units.join(", ")}`;
}

async function main(): Promise<number> {
  const unit = process.argv[2];
  const entries = readManifest();
  answerHelp(usage(entries.map((e) => e.name)));
  if (!unit || unit.startsWith("--") || !entries.some((e) => e.name === unit)) {
    return usageError(unit && !unit.startsWith("--") ? `no unit "${unit}" in subgraphs/manifest.json` : "which unit?", usage(entries.map((e) => e.name)));
  }
  const base = baseline();
  const before = base.read("supergraph.graphql");
  if (before === null) throw new Error(`no supergraph.graphql in ${base.label}`);
  // Units the base does not have are not deployed: the change must compose without them.
  const deployed = new Map<string, string>();
  for (const { name } of entries) {
    const sdl = name === unit ? null : base.read(`${name}.graphql`);
    if (sdl !== null) deployed.set(name, sdl);
  }
  const others = [...deployed.keys()].join(", ");

  let after: string;
  try {
    after = (
      await composeUnits(
        entries.filter((e) => e.name === unit || deployed.has(e.name)),
        deployed,
      )
    ).supergraph;
  } catch (err) {
    if (!(err instanceof CompositionError)) throw err;
    process.stdout.write(`✗ ${unit} from code does not compose with ${others} as in ${base.label}:\n  ${err.errors.join("\n  ")}\n`);
    return 1;
  }
  process.stdout.write(`${unit} from code composes with ${others} as in ${base.label}.\n`);

  const rule = failAloneReport(unit, after);
  process.stdout.write(rule.text);

  const operations = EXAMPLES.map((e) => ({ name: `GraphiQL example "${e.title}"`, query: e.query }));
  const report = compareApis(before, after, { contract: PUBLIC_CONTRACT, operations });
  process.stdout.write(formatReport(report, `the supergraph in ${base.label}`));
  if (!rule.ok) {
    process.stdout.write(`✗ do not deploy ${unit}: it would not fail alone.\n`);
    return 1;
  }
  if (isBreaking(report)) {
    const count = report.breaking.length + report.brokenOperations.length;
    process.stdout.write(`✗ ${count} breaking change${count > 1 ? "s" : ""}: do not deploy ${unit} alone. Add the new shape beside the old, deprecate the old, and remove it once no client sends it.\n`);
    return 1;
  }
  process.stdout.write(`✓ no breaking change: ${unit} can be deployed without the other units.\n`);
  return 0;
}

/**
 * The fail-alone rule (scripts/fail-alone.ts) for the unit being deployed:
 * no violation may involve its fields; and, unless it is the unit that merges
 * the timeline, it hands its touch points over in `Customer.<unit>TouchPoints`.
 */
function failAloneReport(unit: string, supergraph: string): { ok: boolean; text: string } {
  const lines: string[] = [];
  const mine = failAloneViolations(supergraph).filter((v) => v.units.includes(unit));
  for (const v of mine) lines.push(`  ✗ ${v.message}`);
  const field = `Customer.${touchPointsField(unit)}`;
  const standing = timelineStanding(supergraph, unit);
  if (standing === "missing")
    lines.push(
      `  ✗ ${unit} hands no touch points to Customer.timeline: add ${field}: TouchPoints (the kit's TouchPointsScalar, @inaccessible, nullable; its resolver returns the touch points, none if ${unit} has nothing to show). The timeline merges that field of every unit in subgraphs/manifest.json.`,
    );
  if (standing === "pending") lines.push(`  • ${field} joins Customer.timeline once the unit that merges it is next built and deployed (it reads the units from subgraphs/manifest.json; its code does not change).`);
  const ok = mine.length === 0 && !lines.some((l) => l.startsWith("  ✗"));
  const head = ok
    ? `✓ ${unit} fails alone: its fields on shared types are nullable where another unit can fail independently.\n`
    : `✗ ${unit} would not fail alone (a unit that fails must cost only its own fields and those that need them; see "When a unit fails" in the README):\n`;
  return { ok, text: head + (lines.length ? `${lines.join("\n")}\n` : "") };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`contract-check failed: ${(err as Error).message}\n`);
    process.exit(2);
  },
);
