import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * Starts the graph's processes and watches them: used by `npm start` and by
 * the end-to-end tests, so both run the processes the same way.
 */
export interface ProcessSpec {
  name: string;
  /** Compiled entry point, e.g. dist/subgraphs/main.js (with args ["billing"]). */
  script: string;
  env: Record<string, string>;
  healthUrl: string;
  /** Readiness other than an HTTP 200 at healthUrl (a process that speaks no HTTP, like the embedded broker). */
  ready?: () => Promise<boolean>;
  /** Arguments after the script. */
  args?: readonly string[];
  /** Options for node itself, before the script (e.g. --cpu-prof). */
  nodeArgs?: readonly string[];
}

export interface Supervised {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string>;
}

export function launch(spec: ProcessSpec, log: (name: string, line: string) => void): Supervised {
  const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), spec.script, ...(spec.args ?? [])], { env: { ...process.env, ...spec.env }, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on("line", (line) => log(spec.name, line));
  }
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  return { name: spec.name, child, exited };
}

/** Polls a health URL until it answers 200, the process exits, or time runs out. */
export async function waitHealthy(spec: ProcessSpec, proc: Supervised, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended: number | string | undefined;
  void proc.exited.then((code) => (ended = code));
  while (Date.now() < deadline) {
    if (ended !== undefined) throw new Error(`${spec.name} exited (${ended}) before it was ready`);
    try {
      if (spec.ready ? await spec.ready() : (await fetch(spec.healthUrl, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${spec.name} was not healthy at ${spec.healthUrl} within ${timeoutMs} ms`);
}

/** SIGTERM everyone, then SIGKILL whoever is still there after the grace period. */
export async function stopAll(procs: readonly Supervised[], graceMs = 10_000): Promise<void> {
  await Promise.all(
    procs.map(async (p) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return;
      p.child.kill("SIGTERM");
      const timer = setTimeout(() => p.child.kill("SIGKILL"), graceMs);
      await p.exited;
      clearTimeout(timer);
    }),
  );
}
