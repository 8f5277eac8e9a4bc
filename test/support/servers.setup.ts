import { SERVER_DIALECTS, SERVER_NAME, dropStaleDatabases, ensureServer, recordServerState } from "./servers";

/**
 * Global setup of the int project: make sure PostgreSQL and MariaDB answer
 * (starting them if installed and stopped), and tell the test files which
 * do. Where a server cannot be reached its tests are skipped and say so; with
 * CI=true an unreachable server fails the run instead.
 */
export default async function setup(): Promise<void> {
  const problems: string[] = [];
  await Promise.all(
    SERVER_DIALECTS.map(async (dialect) => {
      const problem = await ensureServer(dialect);
      recordServerState(dialect, problem);
      if (problem !== null) problems.push(`${SERVER_NAME[dialect]}: ${problem}`);
      else await dropStaleDatabases(dialect);
    }),
  );
  if (problems.length === 0) return;
  if (process.env.CI === "true") throw new Error(`integration tests need their database servers (CI=true):\n  ${problems.join("\n  ")}`);
  process.stderr.write(`\nintegration tests on these servers are skipped (no server reachable here; CI=true makes this a failure):\n  ${problems.join("\n  ")}\n`);
}
