import { EventEmitter } from "node:events";
import type { IncomingMessage, OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { BATCH_TYPE, type ReadEntry, answerFrame } from "./unit-batch";

/**
 * A unit answering a batch of the gateway's (unit-batch.ts): every entry
 * goes through the very steps a request of its own goes through (observed:
 * its metrics, log line and span; the guard that checks its signature; the
 * lean path or Apollo Server), given a request that stands for the entry and
 * a response that keeps what is written to it. Each answer is framed into
 * the batch's response as soon as it is complete; the answers of one tick
 * leave in one write.
 *
 * The stand-ins have what http.ts, observe.ts and lean-path.ts use of a
 * request and a response, nothing more: test/unit/unit-batch.test.ts pins that
 * an entry's answer is byte for byte what the same request gets alone.
 */
/** Serves one entry as its own request; it ends the response whatever happens (a failure as a single request's 500), and never rejects. */
export type ServeEntry = (req: IncomingMessage, res: ServerResponse, read: ReadEntry) => Promise<void>;

export function answerBatch(outer: IncomingMessage, res: ServerResponse, entries: readonly ReadEntry[], serve: ServeEntry): Promise<void> {
  return new Promise((resolve) => {
    let left = entries.length;
    let ready: Buffer[] = [];
    let flushing = false;
    const flush = () => {
      flushing = false;
      const out = ready.length === 1 ? ready[0] : Buffer.concat(ready);
      ready = [];
      if (left === 0) {
        res.end(out);
        resolve();
      } else res.write(out);
    };
    res.writeHead(200, { "content-type": BATCH_TYPE });
    if (left === 0) return flush();
    entries.forEach((read, entry) => {
      const answer = new EntryResponse((status, headers, body) => {
        ready.push(answerFrame(entry, status, headers, body));
        left -= 1;
        if (!flushing) {
          flushing = true;
          setImmediate(flush);
        }
      }, res);
      void serve(entryRequest(outer, read.ok ? read.entry.headers : read.headers), answer as unknown as ServerResponse, read);
    });
  });
}

/** The request an entry would have been: a JSON POST to the same path, with the entry's headers, from the same peer. */
function entryRequest(outer: IncomingMessage, headers: Record<string, string>): IncomingMessage {
  return { method: "POST", url: outer.url, headers: { ...headers, "content-type": "application/json" }, socket: outer.socket } as unknown as IncomingMessage;
}

type Done = (status: number, headers: Record<string, string | string[]>, body: Buffer) => void;

/** What is written to an entry's response, kept; `done` gets it when the answer ends. */
class EntryResponse extends EventEmitter {
  statusCode = 200;
  headersSent = false;
  private finished = false;
  private readonly headers = new Map<string, OutgoingHttpHeader>();
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly done: Done,
    /** The batch's response: an answer completed after it closed was never delivered. */
    private readonly batch: ServerResponse,
  ) {
    super();
  }

  get writableFinished(): boolean {
    return this.finished && !this.batch.destroyed;
  }

  setHeader(name: string, value: OutgoingHttpHeader): this {
    this.headers.set(name.toLowerCase(), value);
    return this;
  }

  getHeader(name: string): OutgoingHttpHeader | undefined {
    return this.headers.get(name.toLowerCase());
  }

  hasHeader(name: string): boolean {
    return this.headers.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase());
  }

  writeHead(status: number, headers: OutgoingHttpHeaders = {}): this {
    this.statusCode = status;
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) this.setHeader(name, value);
    this.headersSent = true;
    return this;
  }

  write(chunk: string | Buffer): boolean {
    this.headersSent = true;
    this.chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    return true;
  }

  end(chunk?: string | Buffer): this {
    if (this.finished) return this;
    if (chunk !== undefined) this.write(chunk);
    this.finished = true;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of this.headers) headers[name] = Array.isArray(value) ? value.map(String) : String(value);
    // Framing is the batch's: no length of the entry's own (as a single answer's would be) goes in its head.
    delete headers["content-length"];
    this.done(this.statusCode, headers, this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks));
    this.emit("finish");
    this.emit("close");
    return this;
  }
}
