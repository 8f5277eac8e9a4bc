/**
 * What every command of the project (`npm run token`, `new-subgraph`,
 * `contract-check`, `demo:reset`, `bench`, `chaos`...) does alike, so a
 * newcomer can script them: the result alone on stdout and progress on
 * stderr, so that `X=$(npm run -s token)` captures the token and nothing
 * else; `--help` (or `-h`) prints the usage on stdout and exits 0; a wrong
 * use prints the usage on stderr and exits 2.
 */
export function helpRequested(argv: readonly string[] = process.argv.slice(2)): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

/** With `--help` in `argv`: the usage on stdout, and the process ends with 0. */
export function answerHelp(usage: string, argv: readonly string[] = process.argv.slice(2)): void {
  if (!helpRequested(argv)) return;
  process.stdout.write(`${usage.trimEnd()}\n`);
  process.exit(0);
}

/** A wrong use: what is wrong and the usage on stderr; the caller exits with the returned 2. */
export function usageError(problem: string, usage: string): number {
  process.stderr.write(`${problem}\n\n${usage.trimEnd()}\n`);
  return 2;
}

/** Progress and notes for the person at the terminal, never part of a result. */
export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
