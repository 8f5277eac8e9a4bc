import { Agent, request } from "undici";

/**
 * The gateway's one connection pool to its subgraphs: keep-alive
 * connections with a bounded count per subgraph, spoken to with undici's
 * plain `request` (no Fetch API objects on the hot path). Each call is
 * cancelled by its own signal, so a timed-out call frees its connection
 * instead of waiting on in the background.
 */
export interface TransportOptions {
  connections: number;
  keepAliveMs: number;
}

/** A subgraph's HTTP answer, body unread as JSON: whoever needs the data parses its own copy. */
export interface RawAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface Transport {
  /** POSTs `body` to `url`; rejects on connection errors and when `signal` aborts. */
  post(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<RawAnswer>;
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

  return {
    async post(url, headers, body, signal) {
      const res = await request(url, { method: "POST", headers, body, signal, dispatcher: agent });
      const type = res.headers["content-type"];
      return { status: res.statusCode, contentType: Array.isArray(type) ? type[0] : (type ?? ""), body: await res.body.text() };
    },
    async probe(url, timeoutMs) {
      try {
        const res = await request(url, { dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) });
        await res.body.dump();
        return res.statusCode >= 200 && res.statusCode < 300;
      } catch {
        return false;
      }
    },
    // Called after the HTTP server has drained: nothing is waiting for an
    // answer any more, so whatever is still open can be dropped.
    close: () => agent.destroy(),
  };
}
