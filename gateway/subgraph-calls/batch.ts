import type { Dispatcher } from "undici";
import { AnswerReader, BATCH_TYPE, type EntryAnswer, MalformedBatch, requestFrame } from "../../kit/unit-batch";
import type { RawAnswer } from "./transport";

/**
 * Fetches of different callers to one unit, started in the same tick, sent
 * as ONE HTTP request (kit/unit-batch.ts for the framing and why). Below
 * every wrapper of the chain: each fetch was signed, is bounded and is
 * judged as a request of its own, and gets back what the unit would have
 * answered it alone (status, headers, body), as soon as the unit has it.
 *
 * - Only to a URL whose unit said it takes batches (`BATCH_HEADER` on an
 *   answer); a third party's subgraph, or one of ours from before batches,
 *   gets single requests. An answer without it (a rolled-back unit) stops
 *   batching to that URL; a batch refused with a 4xx other than 413 stops it
 *   for `refusedForMs`. Either way the batch's fetches are sent again alone:
 *   a refused batch ran none of them.
 * - A lone fetch in a tick goes alone: a batch of one saves nothing.
 * - One fetch's abort (its timeout, its deadline) rejects that fetch alone;
 *   the batch's exchange is aborted only once no fetch in it still waits.
 * - A dropped connection fails every fetch still waiting with the error a
 *   single request would have got (transport.ts makes it `UNAVAILABLE`); a
 *   5xx instead of a batch is each fetch's answer; a batch answer that ends
 *   without some fetch's answer fails that fetch as unreadable.
 */
export interface BatchLimits {
  /** Most fetches in one batch. */
  mostEntries: number;
  /** Most bytes of frames in one batch (units take 8 times a request's body limit, 1 MB by default). */
  mostBytes: number;
  /** How long a unit that refused a batch is sent none. */
  refusedForMs: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { mostEntries: 64, mostBytes: 1024 * 1024, refusedForMs: 30_000 };

/** A batch answer that ended without this fetch's answer (the unit's fault, as an unreadable answer). */
export class Unanswered extends Error {
  constructor() {
    super("the batch answer holds no answer to this fetch");
  }
}

/** One POST alone, rejecting on connection errors and when `signal` aborts (transport.ts). */
type Post = (url: string, headers: Record<string, string>, body: Buffer, signal: AbortSignal) => Promise<RawAnswer>;
/** One raw exchange over the pool for a batch of `entries` requests, answered to `handler`. */
type Open = (url: string, headers: Record<string, string>, body: Buffer, entries: number, handler: Dispatcher.DispatchHandlers) => void;

interface Unit {
  /** The unit's last answer said it takes batches. */
  takes: boolean;
  /** It refused a batch: none until then (epoch ms). */
  refusedUntil: number;
  queue: Waiting[];
}

interface Waiting {
  headers: Record<string, string>;
  body: Buffer;
  signal: AbortSignal;
  resolve(answer: RawAnswer): void;
  reject(err: unknown): void;
  settled?: boolean;
  onAbort?(): void;
}

const JSON_HEADERS = { "content-type": "application/json" } as const;
const BATCH_HEADERS = { "content-type": BATCH_TYPE } as const;

export class UnitBatches {
  private readonly units = new Map<string, Unit>();

  constructor(
    private readonly single: Post,
    private readonly open: Open,
    private readonly limits: BatchLimits = DEFAULT_BATCH_LIMITS,
  ) {}

  /**
   * Answers one fetch: alone, or (when `batchable` and the unit takes
   * batches) in one request with the other fetches to `url` this tick.
   * `headers` are the fetch's own, without a content type.
   */
  send(url: string, headers: Record<string, string>, body: Buffer, signal: AbortSignal, batchable: boolean): Promise<RawAnswer> {
    const unit = this.unitOf(url);
    if (!batchable || !unit.takes || signal.aborted) return this.alone(unit, url, headers, body, signal);
    return new Promise((resolve, reject) => {
      if (unit.queue.push({ headers, body, signal, resolve, reject }) === 1) queueMicrotask(() => this.flush(unit, url));
    });
  }

  private unitOf(url: string): Unit {
    let unit = this.units.get(url);
    if (!unit) {
      if (this.units.size > 1000) this.units.clear();
      this.units.set(url, (unit = { takes: false, refusedUntil: 0, queue: [] }));
    }
    return unit;
  }

  private async alone(unit: Unit, url: string, headers: Record<string, string>, body: Buffer, signal: AbortSignal): Promise<RawAnswer> {
    const answer = await this.single(url, { ...headers, ...JSON_HEADERS }, body, signal);
    unit.takes = answer.batches === true && Date.now() >= unit.refusedUntil;
    return answer;
  }

  /** Sends this tick's fetches: in batches within the limits, a lone one (or one too large for a batch) alone. */
  private flush(unit: Unit, url: string): void {
    const queue = unit.queue;
    unit.queue = [];
    let batch: Waiting[] = [];
    let frames: Buffer[] = [];
    let bytes = 0;
    const out = () => {
      if (batch.length === 1) this.pass(this.alone(unit, url, batch[0].headers, batch[0].body, batch[0].signal), batch[0]);
      else if (batch.length > 1) this.exchange(unit, url, batch, Buffer.concat(frames, bytes));
      batch = [];
      frames = [];
      bytes = 0;
    };
    for (const waiting of queue) {
      if (waiting.signal.aborted) {
        waiting.reject(waiting.signal.reason ?? new Error("aborted"));
        continue;
      }
      const frame = requestFrame(waiting.headers, waiting.body);
      if (batch.length > 0 && (batch.length === this.limits.mostEntries || bytes + frame.length > this.limits.mostBytes)) out();
      batch.push(waiting);
      frames.push(frame);
      bytes += frame.length;
    }
    out();
  }

  private pass(answer: Promise<RawAnswer>, waiting: Waiting): void {
    answer.then(waiting.resolve, waiting.reject);
  }

  /** One batch on the wire; each fetch settled by its own answer, its own abort, or the exchange's failure. */
  private exchange(unit: Unit, url: string, batch: Waiting[], body: Buffer): void {
    let waiting = batch.length;
    let abortExchange: ((err: Error) => void) | null = null;
    let ended = false;
    const settle = (w: Waiting, how: () => void) => {
      if (w.settled) return;
      w.settled = true;
      w.signal.removeEventListener("abort", w.onAbort!);
      waiting -= 1;
      how();
    };
    for (const w of batch) {
      w.onAbort = () => {
        const reason = (w.signal.reason as Error | undefined) ?? new Error("aborted");
        settle(w, () => w.reject(reason));
        // No fetch waits any more: the exchange goes, and its connection with it.
        if (waiting === 0 && !ended) abortExchange?.(reason);
      };
      w.signal.addEventListener("abort", w.onAbort, { once: true });
    }
    const each = (how: (w: Waiting) => void) => {
      ended = true;
      for (const w of batch) settle(w, () => how(w));
    };
    let status = 0;
    let reader: AnswerReader | null = null;
    const refusal: Buffer[] = [];
    const failRead = () => {
      each((w) => w.reject(new Unanswered()));
      abortExchange?.(new Error("unreadable batch answer"));
    };
    this.open(url, BATCH_HEADERS, body, batch.length, {
      onConnect(abort) {
        if (waiting === 0) abort(new Error("aborted"));
        else abortExchange = abort;
      },
      onHeaders(statusCode, raw) {
        if (statusCode < 200) return true;
        status = statusCode;
        if (status >= 200 && status < 300 && contentTypeOf(raw) === BATCH_TYPE) {
          reader = new AnswerReader((answer) => {
            const w = batch[answer.entry];
            if (!w) throw new MalformedBatch(`an answer to entry ${answer.entry} of ${batch.length}`);
            settle(w, () => w.resolve(rawAnswerOf(answer)));
          });
        }
        return true;
      },
      onData(chunk) {
        if (ended) return true;
        if (!reader) {
          refusal.push(chunk);
          return true;
        }
        try {
          reader.push(chunk);
        } catch {
          failRead();
        }
        return true;
      },
      onComplete: () => {
        if (ended) return;
        if (reader) {
          try {
            reader.end();
          } catch {
            // Whatever was not answered whole is unanswered, below.
          }
          return each((w) => w.reject(new Unanswered()));
        }
        if (status === 413 || (status >= 400 && status < 500)) {
          // Not taken (too large, or not understood): none of it ran; each fetch goes alone.
          if (status !== 413) {
            unit.takes = false;
            unit.refusedUntil = Date.now() + this.limits.refusedForMs;
          }
          return each((w) => this.pass(this.alone(unit, url, w.headers, w.body, w.signal), w));
        }
        if (status >= 200 && status < 300) return each((w) => w.reject(new Unanswered()));
        // A 5xx for the batch: each fetch's answer, as it would have been alone.
        const answer: RawAnswer = { status, contentType: "", body: Buffer.concat(refusal) };
        each((w) => w.resolve(answer));
      },
      onError(err) {
        each((w) => w.reject(err));
      },
    });
  }
}

function contentTypeOf(raw: Buffer[]): string {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].length === 12 && raw[i].toString("latin1").toLowerCase() === "content-type") return raw[i + 1].toString("latin1");
  }
  return "";
}

function rawAnswerOf(answer: EntryAnswer): RawAnswer {
  const type = answer.headers["content-type"];
  return { status: answer.status, contentType: (Array.isArray(type) ? type[0] : type) ?? "", body: answer.body, headers: answer.headers };
}
