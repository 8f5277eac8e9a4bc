import type { EventBus } from "./bus";
import { type DomainEvent, customerSubject } from "./event";

/**
 * One subscriber's stream of every unit's events about one customer, as an
 * async iterator (what a GraphQL `subscribe` resolver returns). Each event
 * comes once: the relay may publish an event twice after a broker hiccup,
 * so ids already seen are skipped. A subscriber that does not keep up is not
 * allowed to grow memory: past `maxQueued` unread events the stream ends with
 * an error saying so.
 */
export class SubscriberTooSlow extends Error {}

export function followCustomer(bus: EventBus, customerId: string, maxQueued = 256): AsyncIterableIterator<DomainEvent> {
  const queue: DomainEvent[] = [];
  const seen = new Set<string>();
  let waiting: ((result: IteratorResult<DomainEvent>) => void) | null = null;
  let failWaiting: ((err: Error) => void) | null = null;
  let ended = false;
  let failure: Error | null = null;

  const push = (event: DomainEvent) => {
    if (ended || seen.has(event.id)) return;
    seen.add(event.id);
    // Remembering the last thousand ids is enough: duplicates come soon after the original.
    if (seen.size > 1000) seen.delete(seen.values().next().value as string);
    if (waiting) {
      const resolve = waiting;
      waiting = failWaiting = null;
      resolve({ value: event, done: false });
    } else if (queue.length >= maxQueued) {
      failure = new SubscriberTooSlow(`more than ${maxQueued} changes were not read in time; subscribe again`);
      void finish();
    } else queue.push(event);
  };

  const unsubscribed = bus.subscribe(customerSubject(customerId), push);

  const finish = async (): Promise<void> => {
    if (ended) return;
    ended = true;
    queue.length = 0;
    if (failure && failWaiting) failWaiting(failure);
    else waiting?.({ value: undefined, done: true });
    waiting = failWaiting = null;
    (await unsubscribed)();
  };

  const iterator: AsyncIterableIterator<DomainEvent> = {
    next() {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
      if (failure) {
        const err = failure;
        failure = null;
        return Promise.reject(err);
      }
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => {
        waiting = resolve;
        failWaiting = reject;
      });
    },
    async return() {
      await finish();
      return { value: undefined, done: true };
    },
    async throw(err?: unknown) {
      await finish();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
