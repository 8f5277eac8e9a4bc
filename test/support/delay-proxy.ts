import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback HTTP proxy in front of a real subgraph that holds each request
 * for `delayMs` before forwarding it: the unit's answer is real, only late.
 * It can also hold the unit's answer (`answerDelayMs`): the unit read its
 * silo on time, the gateway hears of it late.
 * Point the gateway's SUBGRAPH_<NAME>_URL at `url`; set `target` to the
 * unit's origin (it may be set after the gateway starts; until then, and
 * whenever the unit is down, the proxy answers 502 like a real one).
 */
export interface DelayProxy {
  /** The GraphQL URL to give the gateway. */
  url: string;
  /** Origin of the real unit, e.g. http://127.0.0.1:4003. */
  target: string;
  delayMs: number;
  /** How long each answer is held once the unit gave it, for the requests `holdsAnswer` picks. */
  answerDelayMs: number;
  /** Which requests' answers are held, by request body; all unless set. */
  holdsAnswer?: (body: string) => boolean;
  /** Requests received so far. */
  received: number;
  /** The headers of each request received, as the unit gets them (the proxy forwards them as they came). */
  requestHeaders: IncomingHttpHeaders[];
  /** Headers added to every answer of the unit's, as if the unit had sent them (e.g. a `set-cookie`). */
  answerHeaders: Record<string, string | string[]>;
  close(): Promise<void>;
}

export async function startDelayProxy(target = ""): Promise<DelayProxy> {
  const timers = new Set<NodeJS.Timeout>();
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    if (!proxy.target) return badGateway(res);
    const holdMs = proxy.answerDelayMs > 0 && (proxy.holdsAnswer?.(body.toString("utf8")) ?? true) ? proxy.answerDelayMs : 0;
    const upstream = request(new URL(req.url ?? "/", proxy.target), { method: req.method, headers: { ...req.headers, host: new URL(proxy.target).host } }, (answer) => {
      if (holdMs === 0) {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...proxy.answerHeaders });
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on("data", (chunk: Buffer) => chunks.push(chunk));
      answer.on("end", () => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (res.destroyed) return;
          res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...proxy.answerHeaders });
          res.end(Buffer.concat(chunks));
        }, holdMs);
        timers.add(timer);
      });
    });
    upstream.on("error", () => (res.headersSent ? res.destroy() : badGateway(res)));
    // The gateway gave up (timeout, deadline): so does the proxy.
    res.on("close", () => upstream.destroy());
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    proxy.received += 1;
    proxy.requestHeaders.push(req.headers);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) forward(req, res, Buffer.concat(chunks));
      }, proxy.delayMs);
      timers.add(timer);
      res.on("close", () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  const proxy: DelayProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    target,
    delayMs: 0,
    answerDelayMs: 0,
    received: 0,
    requestHeaders: [],
    answerHeaders: {},
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return proxy;
}

function badGateway(res: ServerResponse): void {
  res.writeHead(502, { "content-type": "text/plain" });
  res.end("bad gateway");
}
