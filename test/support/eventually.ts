/** Calls `attempt` until `done` accepts its result or `timeoutMs` passes; returns the accepted result, or throws with the last one. */
export async function eventually<T>(attempt: () => Promise<T>, done: (result: T) => boolean, timeoutMs = 10_000, everyMs = 100): Promise<T> {
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
