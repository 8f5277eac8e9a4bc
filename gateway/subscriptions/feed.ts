import type { FormattedExecutionResult } from "graphql";

/**
 * One subscriber's queue of answers, read by its transport as an async
 * iterator. It holds at most `capacity` answers: a subscriber that does not
 * read (a stalled socket, a client that stopped reading its SSE stream) is
 * ended with a last message saying so, instead of growing the gateway's
 * memory without bound. `onEnd` runs once, however it ends.
 */
export class Feed implements AsyncIterableIterator<FormattedExecutionResult> {
  private readonly queue: FormattedExecutionResult[] = [];
  private wake: (() => void) | null = null;
  private ended = false;
  private last: FormattedExecutionResult | null = null;

  constructor(
    private readonly capacity: number,
    private readonly onEnd: () => void,
  ) {}

  get open(): boolean {
    return !this.ended;
  }

  push(result: FormattedExecutionResult): void {
    if (this.ended) return;
    if (this.queue.length >= this.capacity) {
      this.end({ message: `this subscriber fell ${this.capacity} events behind and was dropped; subscribe again`, code: "SUBSCRIBER_TOO_SLOW" });
      return;
    }
    this.queue.push(result);
    this.wake?.();
  }

  /** Ends the stream; with a reason, the subscriber gets it as a last error first (queued answers are dropped then). */
  end(reason?: { message: string; code: string }): void {
    if (this.ended) return;
    this.ended = true;
    if (reason) {
      this.queue.length = 0;
      this.last = { errors: [{ message: reason.message, extensions: { code: reason.code } }] };
    }
    this.onEnd();
    this.wake?.();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<FormattedExecutionResult>> {
    while (this.queue.length === 0 && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
    const value = this.queue.shift() ?? this.last;
    if (value === this.last) this.last = null;
    return value ? { done: false, value } : { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<FormattedExecutionResult>> {
    this.end();
    this.queue.length = 0;
    this.last = null;
    return { done: true, value: undefined };
  }
}
