import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLES } from "../../demo/examples";
import { ROOT, readManifest } from "../../scripts/manifest";
import { type ShellBlock, missingFrom, runBlock, shellBlocks } from "../support/readme";
import { type Stack, startStack } from "../support/stack";

/**
 * The README as a newcomer uses it: every shell block that is not marked
 * "not run" is run in bash exactly as written, in order, against a started
 * graph, and must exit 0 and print what the paragraph after it says. The
 * blocks find the graph as a reader's terminal does: through the settings
 * the README documents (GATEWAY_PORT for the gateway, <UNIT>_DB_URL for
 * `npm run demo:reset`), set to this test's graph, which runs on free ports
 * so as not to meet a graph someone started on 4000.
 *
 * Everything runs twice, so the stories are shown to work again and again
 * (the README's last block puts the demo world back), and the redemption
 * story, which changes the world, also twice in a row. GraphiQL's worked
 * examples likewise.
 */
const blocks = shellBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
const run = blocks.filter((b) => !b.notRun);
const story = run.find((b) => b.code.includes("redeemOffer"));

describe("README.md, run as written", () => {
  let stack: Stack;
  let env: Record<string, string>;
  beforeAll(async () => {
    stack = await startStack({ env: { GATEWAY_LOG_LEVEL: "warn" } });
    env = { ...(process.env as Record<string, string>), GATEWAY_PORT: new URL(stack.gatewayUrl).port };
    for (const { name } of readManifest()) env[`${name.toUpperCase()}_DB_URL`] = stack.silos.urls.get(name)!;
  }, 120_000);
  afterAll(() => stack?.stop(), 30_000);

  it("says of every shell block what it prints, or why it is not run", () => {
    // shellBlocks throws on a block with neither; what is left out says why, in the README.
    const left = blocks.filter((b) => b.notRun);
    process.stderr.write(`README blocks not run:\n${left.map((b) => `  ${b.title} (line ${b.line}): ${b.notRun}`).join("\n")}\n`);
    expect(left.filter((b) => b.notRun!.split(" ").length < 3)).toEqual([]);
    expect(run.length).toBeGreaterThan(5);
    expect(story).toBeDefined();
  });

  const runs = async (block: ShellBlock) => {
    const done = await runBlock(block.code, ROOT, env);
    const failure = `README line ${block.line}, exit ${done.code}\n--- stdout\n${done.stdout}\n--- stderr\n${done.stderr}`;
    expect({ exit: done.code, failure: done.code === 0 ? "" : failure }).toEqual({ exit: 0, failure: "" });
    if (block.prints.length === 0) expect({ stdout: done.stdout }).toEqual({ stdout: "" });
    else expect({ missing: missingFrom(done.stdout, block.prints), stdout: done.stdout }).toEqual({ missing: undefined, stdout: done.stdout });
    env = done.env;
  };

  for (const pass of ["", " (again)"]) {
    for (const block of run) {
      it(`${block.title} (README line ${block.line})${pass}`, () => runs(block), 120_000);
      if (block === story && !pass) it(`${block.title} (README line ${block.line}), right after itself`, () => runs(block), 120_000);
    }
  }

  it("runs each of GraphiQL's worked examples twice with no error, the same answer to the redemption both times", async () => {
    for (const example of EXAMPLES) {
      const answers = [];
      for (let i = 0; i < 2; i += 1) {
        const res = await stack.post({ query: example.query, variables: example.variables }, { "x-channel": example.channel });
        expect({ example: example.title, status: res.status, errors: res.body.errors }).toEqual({ example: example.title, status: 200, errors: undefined });
        answers.push(res.body.data);
      }
      if (/^mutation\b/m.test(example.query)) expect(answers[1]).toEqual(answers[0]);
    }
  }, 60_000);
});
