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
