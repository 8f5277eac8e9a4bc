import { AsyncLocalStorage } from "node:async_hooks";
import type { Fetcher } from "@apollo/utils.fetcher";
import { Agent, fetch } from "undici";

/**
 * The gateway's one connection pool to its subgraphs: keep-alive
 * connections with a bounded count per subgraph. Each fetch is cancelled by
 * the signal of the call it belongs to (`withSignal`), so a timed-out call
 * frees its connection instead of waiting on in the background.
 */
export interface TransportOptions {
  connections: number;
  keepAliveMs: number;
}

export interface Transport {
  fetcher: Fetcher;
  /** Runs `call` so that every fetch it makes is aborted by `signal`. */
  withSignal<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T>;
  /** GET a URL within `timeoutMs`; true when it answered 2xx. */
  probe(url: string, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function createTransport(options: TransportOptions): Transport {
  const agent = new Agent({
    connections: options.connections,
    keepAliveTimeout: options.keepAliveMs,
    keepAliveMaxTimeout: options.keepAliveMs,
  });
  const signals = new AsyncLocalStorage<AbortSignal>();

  const fetcher = ((url: string, init: Record<string, unknown>) =>
    fetch(url, { ...init, dispatcher: agent, signal: signals.getStore() } as Parameters<typeof fetch>[1])) as unknown as Fetcher;

  return {
    fetcher,
    withSignal: (signal, call) => signals.run(signal, call),
    async probe(url, timeoutMs) {
      try {
        const res = await fetch(url, { dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) });
        await res.body?.cancel();
        return res.ok;
      } catch {
        return false;
      }
    },
    // Called after the HTTP server has drained: nothing is waiting for an
    // answer any more, so whatever is still open can be dropped.
    close: () => agent.destroy(),
  };
}
