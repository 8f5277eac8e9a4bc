/**
 * Polls `probe` until `ok` accepts its value, and returns that value; fails
 * naming `what` and the last value after `timeoutMs`.
 */
export async function eventually<T>(what: string, probe: () => Promise<T> | T, ok: (value: T) => boolean = Boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Calls `attempt` until `done` accepts its result or `timeoutMs` passes; returns the accepted result, or throws with the last one. */
export async function retryUntil<T>(attempt: () => Promise<T>, done: (result: T) => boolean, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: unknown;
    try {
      const result = await attempt();
      if (done(result)) return result;
      last = result;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
