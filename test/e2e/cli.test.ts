import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT, readManifest } from "../../scripts/manifest";

const run = promisify(execFile);

/** Runs a command of the build; its exit code, stdout and stderr, whether it fails or not. */
async function outcome(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/**
 * The project's commands behave as README.md says of all of them: `--help`
 * answers on stdout with exit 0 and does nothing else, a result is alone on
 * stdout, progress and refusals go to stderr. Each is run from the build
 * (`npm run <command>` builds first where it must; that is npm's part).
 */
describe("the project's commands", () => {
  const commands = ["scripts/start", "scripts/token", "scripts/demo-reset", "scripts/schema", "scripts/contract-check", "scripts/new-subgraph", "bench/run", "bench/chaos", "bench/soak", "bench/top", "bench/fanout", "bench/live-delay"];

  it.each(commands)("%s answers --help with its usage on stdout, and nothing else", async (command) => {
    const { code, stdout, stderr } = await outcome(process.execPath, [join(ROOT, "dist", `${command}.js`), "--help"]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toMatch(/^usage: /);
  });

  it("npm run -s token prints the token and nothing else", async () => {
    const { code, stdout } = await outcome("npm", ["run", "-s", "token", "--", "--role", "customer", "--sub", "C000003"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(JSON.parse(Buffer.from(stdout.split(".")[1], "base64url").toString())).toMatchObject({ role: "customer", sub: "C000003" });
  });

  it("token refuses a role it does not know, with the usage on stderr and exit 2", async () => {
    const { code, stdout, stderr } = await outcome(process.execPath, [join(ROOT, "dist", "scripts", "token.js"), "--role", "admin"]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toMatch(/--role must be one of customer, agent, partner[\s\S]*usage: npm run token/);
  });

  it("demo:reset refuses production, and leaves a unit on a database server alone, naming it (exit 1)", async () => {
    const script = join(ROOT, "dist", "scripts", "demo-reset.js");
    const production = await outcome(process.execPath, [script], { NODE_ENV: "production" });
    expect({ code: production.code, stdout: production.stdout }).toEqual({ code: 1, stdout: "" });
    expect(production.stderr).toMatch(/refused with NODE_ENV=production/);
    // Every unit pointed at a server: nothing is touched, nothing is even connected to.
    const servers = Object.fromEntries(readManifest().map(({ name }) => [`${name.toUpperCase()}_DB_URL`, `postgres://nobody:secret@127.0.0.1:9/${name}`]));
    const onServers = await outcome(process.execPath, [script], servers);
    expect({ code: onServers.code, stdout: onServers.stdout }).toEqual({ code: 1, stdout: "" });
    expect(onServers.stderr).toMatch(/retail: not reset, on a database server \(postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:9\/retail\)/);
    expect(onServers.stderr).not.toMatch(/secret/);
  });
});
