import { expectedFailures } from "./expected-failures";
import { groups } from "./groups";
import { type Planner, defaultPlanner, runnablePlanners } from "./harness/gateway";
import { sameResponse, startGroup } from "./harness/run";

/*
 * Runs every conformance case under every planner, outside jest, and prints
 * the planner table (behaviour × planner, Markdown) and the failing cases.
 * Run: npx ts-node --transpile-only test/federation/table.ts
 * Exits non-zero when a result disagrees with the expected-failure list, so
 * a table printed from a changed gateway is not mistaken for the list.
 */

interface Tally {
  passed: number;
  total: number;
}

async function main(): Promise<void> {
  const tallies = new Map<string, Map<Planner, Tally>>();
  const failures: string[] = [];
  let disagreements = 0;
  for (const group of groups) {
    for (const planner of runnablePlanners) {
      const running = await startGroup(group, planner);
      try {
        for (const c of group.cases) {
          const row = tallies.get(c.behaviour) ?? new Map<Planner, Tally>();
          tallies.set(c.behaviour, row);
          const tally = row.get(planner) ?? { passed: 0, total: 0 };
          row.set(planner, tally);
          const ok = sameResponse(await running.execute(c), c.expected);
          tally.total++;
          if (ok) tally.passed++;
          const id = `${group.name}/${c.id}`;
          const known = expectedFailures[planner][id];
          if (!ok) failures.push(`- ${planner}: \`${id}\`: ${known ?? "not on the expected-failure list"}`);
          if (ok === (known !== undefined)) disagreements++;
        }
      } finally {
        await running.stop();
      }
    }
  }
  const planners = [defaultPlanner, ...runnablePlanners.filter((p) => p !== defaultPlanner)];
  const lines = [
    `| Behaviour | ${planners.map((p) => `${p}${p === defaultPlanner ? " (default)" : ""}`).join(" | ")} |`,
    `|---|${planners.map(() => "---").join("|")}|`,
    ...[...tallies].map(([behaviour, row]) => `| ${behaviour} | ${planners.map((p) => cell(row.get(p))).join(" | ")} |`),
  ];
  const cases = groups.reduce((n, g) => n + g.cases.length, 0);
  console.log(`${lines.join("\n")}\n\n${cases} cases in ${groups.length} groups, each under ${planners.length} planners.`);
  if (failures.length) console.log(`\nFailing cases:\n${failures.join("\n")}`);
  if (disagreements) {
    console.error(`\n${disagreements} result(s) disagree with test/federation/expected-failures.ts`);
    process.exitCode = 1;
  }
}

function cell(tally: Tally | undefined): string {
  if (!tally) return "not run";
  return tally.passed === tally.total ? `pass (${tally.total})` : `**fail** (${tally.passed} of ${tally.total})`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
