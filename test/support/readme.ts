import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The README's shell blocks, as test/e2e/readme.test.ts runs them. Every
 * ```sh (or bash, shell) block is either run, and then followed by a
 * paragraph starting "Prints" whose `code spans` must appear in what it
 * prints, in that order ("Prints nothing." for a block that prints
 * nothing); or marked, on the line right above it, with
 *   <!-- not run by test/e2e/readme.test.ts: why -->
 * A block that is neither is an error, so no example escapes the test by
 * being forgotten.
 */
export const NOT_RUN = /^<!-- not run by test\/e2e\/readme\.test\.ts: (.+?) -->$/;
const SHELL = new Set(["sh", "bash", "shell"]);

export interface ShellBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The nearest heading or bold lead-in above the block ("The redemption story"). */
  title: string;
  code: string;
  /** Why it is not run; absent for a block that is run. */
  notRun?: string;
  /** For a block that is run: what it prints, in order; empty when it prints nothing. */
  prints: string[];
}

export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split("\n");
  const blocks: ShellBlock[] = [];
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const close = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (close < 0) throw new Error(`README line ${i + 1}: a fence that is never closed`);
    const line = i + 1;
    const code = lines.slice(i + 1, close).join("\n");
    const language = open[1];
    i = close;
    if (!SHELL.has(language)) continue;
    const before = lines.slice(0, line - 1).reverse();
    const above = before.find((l) => l.trim() !== "");
    const lead = before.map((l) => /^#+ (.+)$/.exec(l) ?? /^\*\*(.+?)\*\*/.exec(l)).find(Boolean);
    const title = lead ? lead[1].replace(/[.:]$/, "") : "";
    const notRun = above && NOT_RUN.exec(above.trim());
    if (notRun) {
      blocks.push({ line, title, code, notRun: notRun[1], prints: [] });
      continue;
    }
    const after = paragraphAfter(lines, close + 1);
    if (!after.startsWith("Prints")) {
      problems.push(`README line ${line}: a shell block with neither a "Prints" paragraph after it nor a "<!-- not run by test/e2e/readme.test.ts: why -->" line above it`);
      continue;
    }
    const prints = [...after.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    if (prints.length === 0 && !after.startsWith("Prints nothing")) problems.push(`README line ${line}: its "Prints" paragraph quotes nothing (\`...\`) to look for`);
    blocks.push({ line, title, code, prints });
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return blocks;
}

/** The paragraph starting at the first non-blank line from `from`, as one line. */
function paragraphAfter(lines: string[], from: number): string {
  let i = from;
  while (i < lines.length && lines[i].trim() === "") i += 1;
  const paragraph: string[] = [];
  for (; i < lines.length && lines[i].trim() !== ""; i += 1) paragraph.push(lines[i].trim());
  return paragraph.join(" ");
}

/** Whether `output` holds every one of `prints` in order; the first one missing otherwise. */
export function missingFrom(output: string, prints: readonly string[]): string | undefined {
  let at = 0;
  for (const fragment of prints) {
    const found = output.indexOf(fragment, at);
    if (found < 0) return fragment;
    at = found + fragment.length;
  }
  return undefined;
}

export interface BlockRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The shell's variables after the block, for the next one. */
  env: Record<string, string>;
}

/**
 * Runs a block in bash as a reader would paste it into a terminal, in the
 * directory of the README, with `env` holding what the blocks before it
 * set (their assignments are exported, so they reach the next block). Stops
 * at the first command that fails.
 */
export function runBlock(code: string, cwd: string, env: Record<string, string>, timeoutMs = 60_000): Promise<BlockRun> {
  const dir = mkdtempSync(join(tmpdir(), "cg-readme-"));
  const stateFile = join(dir, "env");
  const script = `set -euo pipefail -a\n${code}\nenv -0 > ${JSON.stringify(stateFile)}\n`;
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => {
      let next = env;
      if (status === 0) {
        next = Object.fromEntries(
          readFileSync(stateFile, "utf8")
            .split("\0")
            .filter(Boolean)
            .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
        );
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: status, stdout, stderr, env: next });
    });
  });
}
