import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { Agent, type Dispatcher, request, util } from "undici";
import { BATCH_HEADER } from "../../kit/unit-batch";
import { type BatchLimits, Unanswered, UnitBatches } from "./batch";
import type { Call } from "./call";
import { bodyOf } from "./calls";
import { badStatus, connectionFailed, unreadable } from "./failures";

/**
 * The gateway's one connection pool to its subgraphs: keep-alive
 * connections with a bounded count per subgraph. A POST goes straight to the
 * pool's `dispatch` with a handler that keeps the answer's bytes (`collect`):
 * undici's `request` would wrap every answer in a stream, an async resource
 * and a parsed header object, each read once and dropped, for every fetch
 * of every client request; the headers are parsed here only when asked for. Each call is cancelled by its own signal, so a
 * timed-out call frees its connection instead of waiting on in the background.
 */
export interface TransportOptions {
  connections: number;
  keepAliveMs: number;
  /** GATEWAY_UNIT_BATCH: fetches of different callers to a unit that takes batches go out together (batch.ts); limits for tests. */
  batch?: boolean | BatchLimits;
  /** Told of every POST to a unit as it goes out: `entries` is 1 for a request alone, the number of requests a batch carries (operations/metrics.ts counts them). */
  onRequest?: (url: string, entries: number) => void;
}

/** A subgraph's HTTP answer, body unread as JSON: whoever needs the data parses its own copy. */
export interface RawAnswer {
  status: number;
  contentType: string;
  /**
   * The body's bytes as they came. They become text only where they are
   * read (`readResponse`), so the text lives no longer than its parse: read
   * as text on arrival, every answer of a batch that arrived in one chunk
   * was held as text until each fetch's turn came.
   */
  body: Buffer;
  /** The answer's headers as they came (undici's object: lower-case names, `set-cookie` as a list). */
  headers?: Record<string, string | string[] | undefined>;
  /** The unit said it takes batches (kit/unit-batch.ts). */
  batches?: boolean;
}

export interface Transport {
  /** POSTs `body` to `url`; rejects on connection errors and when `signal` aborts. */
  post(url: string, headers: Record<string, string>, body: Buffer, signal: AbortSignal): Promise<RawAnswer>;
  /**
   * A fetch's POST (`headers` without a content type): alone, or with the other fetches to the
   * same unit this tick in one batch when `batchable` and the unit takes batches (batch.ts).
   */
  send(url: string, headers: Record<string, string>, body: Buffer, signal: AbortSignal, batchable: boolean): Promise<RawAnswer>;
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

  const onRequest = options.onRequest;
  const post = (url: string, headers: Record<string, string>, body: Buffer, signal: AbortSignal): Promise<RawAnswer> => {
    const { origin, path } = target(url);
    onRequest?.(url, 1);
    return collect((handler) => agent.dispatch({ origin, path, method: "POST", headers, body }, handler), signal);
  };
  const batches = options.batch
    ? new UnitBatches(
        post,
        (url, headers, body, entries, handler) => {
          const { origin, path } = target(url);
          onRequest?.(url, entries);
          agent.dispatch({ origin, path, method: "POST", headers, body }, handler);
        },
        options.batch === true ? undefined : options.batch,
      )
    : null;

  return {
    post,
    send: batches ? (url, headers, body, signal, batchable) => batches.send(url, headers, body, signal, batchable) : (url, headers, body, signal) => post(url, { ...headers, "content-type": "application/json" }, body, signal),
    async probe(url, timeoutMs) {
      try {
        const res = await request(url, {
          dispatcher: agent,
          signal: AbortSignal.timeout(timeoutMs),
        });
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

/** Origin and path of each unit URL, split once: a gateway calls a handful of URLs, millions of times. */
const targets = new Map<string, { origin: string; path: string }>();
function target(url: string): { origin: string; path: string } {
  let known = targets.get(url);
  if (!known) {
    const parsed = new URL(url);
    known = {
      origin: parsed.origin,
      path: `${parsed.pathname}${parsed.search}`,
    };
    if (targets.size > 1000) targets.clear();
    targets.set(url, known);
  }
  return known;
}

/**
 * One exchange through `dispatch`, its answer kept as bytes and read as text
 * once complete: status, content type and body, as `request` would have
 * given them. Rejects on connection errors and when `signal` aborts (the
 * exchange is then aborted too, freeing its connection).
 */
function collect(dispatch: (handler: Dispatcher.DispatchHandlers) => void, signal: AbortSignal): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason ?? new Error("aborted"));
    let status = 0;
    let contentType = "";
    let batches = false;
    let rawHeaders: Buffer[] = [];
    let abort: ((err?: Error) => void) | null = null;
    const chunks: Buffer[] = [];
    const onAbort = () => {
      const reason = (signal.reason as Error | undefined) ?? new Error("aborted");
      if (abort) abort(reason);
      else reject(reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const done = () => signal.removeEventListener("abort", onAbort);
    dispatch({
      onConnect(abortExchange) {
        if (signal.aborted) abortExchange(signal.reason as Error);
        else abort = abortExchange;
      },
      onHeaders(statusCode, raw) {
        // 1xx informational answers come before the real one.
        if (statusCode < 200) return true;
        status = statusCode;
        rawHeaders = raw;
        for (let i = 0; i + 1 < raw.length; i += 2) {
          const length = raw[i].length;
          if (length === 12 && raw[i].toString("latin1").toLowerCase() === "content-type") contentType = raw[i + 1].toString("latin1");
          else if (length === BATCH_HEADER.length && raw[i].toString("latin1").toLowerCase() === BATCH_HEADER) batches = true;
        }
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        done();
        const answer: RawAnswer = { status, contentType, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) };
        if (batches) answer.batches = true;
        // Read only when a header rule lets some of the unit's headers back to the client: most answers never need them.
        Object.defineProperty(answer, "headers", { enumerable: false, get: () => util.parseHeaders(rawHeaders) });
        resolve(answer);
      },
      onError(err) {
        done();
        reject(err);
      },
    });
  });
}

const JSON_TYPES = /^application\/(graphql-response\+)?json/i;

/**
 * The innermost step of the gateway's own chain: POSTs the call's body (as
 * sign.ts signed it) to the unit over the pool, and reads the answer. Any
 * answer that is not a 2xx GraphQL response is a failure saying why
 * (failures.ts); the pool's errors never reach a client, as they name the
 * unit's address. With `keepHeaders` (a header rule may let some of this
 * unit's headers back to the client) the answer carries its headers in
 * `http.headers`, as Apollo's RemoteGraphQLDataSource gives them.
 */
export function overHttp(pool: Transport, url: string, unit: string, keepHeaders = false): Call {
  return async (call) => {
    let answer: RawAnswer;
    try {
      // Query fetches of client requests may share an HTTP request with other callers' (batch.ts); mutations go alone.
      answer = await pool.send(url, call.headers, call.body ?? bodyOf(call), call.signal ?? NEVER, call.operation === "query" && call.context !== null);
    } catch (err) {
      // A batch answer that holds none for this fetch is the unit's answer being unreadable.
      if (err instanceof Unanswered) throw unreadable(unit);
      // Refused, reset or dropped connections, or timeout.ts's abort (which has answered already).
      throw connectionFailed(unit);
    }
    if (answer.status < 200 || answer.status > 299) throw badStatus(unit, answer.status);
    if (!JSON_TYPES.test(answer.contentType)) throw unreadable(unit);
    const response = readResponse(answer.body, unit);
    return keepHeaders && answer.headers ? { ...response, http: { headers: headersOf(answer.headers) } } : response;
  };
}

/** undici's header object as Fetch `Headers`, every `set-cookie` line kept apart. */
function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

/** A signal that never aborts, for calls no step bounds (the chain always has timeout.ts). */
const NEVER = new AbortController().signal;

/** A 2xx answer's GraphQL response; a body that is not one is the unit failing. */
function readResponse(body: Buffer, unit: string): GatewayGraphQLResponse {
  let response: unknown;
  try {
    response = JSON.parse(body.toString("utf8"));
  } catch {
    response = undefined;
  }
  if (response === null || typeof response !== "object" || Array.isArray(response)) throw unreadable(unit);
  return response as GatewayGraphQLResponse;
}
