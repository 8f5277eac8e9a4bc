import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/**
 * What a request may cost the server before any GraphQL runs: how long its
 * headers and body may take to arrive, how large and how deeply nested its
 * JSON may be. A client that drips a body a byte at a time, or sends a
 * variables object 10,000 levels deep, is refused with a 4xx, a GraphQL
 * error body and a code naming the limit, and the server moves on.
 */
export interface RequestLimits {
  /** Largest body, in bytes (413 BODY_TOO_LARGE). */
  maxBodyBytes: number;
  /** Longest the body may take to arrive once the headers are in (408 BODY_TIMEOUT). */
  bodyTimeoutMs: number;
  /** Longest the headers may take to arrive (408 HEADERS_TIMEOUT). */
  headersTimeoutMs: number;
  /** Deepest nesting of the request's JSON: body, variables, extensions (400 JSON_TOO_DEEP). */
  maxJsonDepth: number;
  /** Most values (objects, arrays, strings, numbers, booleans, nulls) in the request's JSON (413 JSON_TOO_LARGE). */
  maxJsonValues: number;
}

/**
 * Limits for a server that sets none (the subgraphs: their callers are the
 * gateway, whose `_entities` batches are large and shallow). The gateway sets
 * its own from its settings.
 */
export const DEFAULT_LIMITS: RequestLimits = { maxBodyBytes: 1_000_000, bodyTimeoutMs: 10_000, headersTimeoutMs: 10_000, maxJsonDepth: 64, maxJsonValues: Number.POSITIVE_INFINITY };

/** A request refused before it reaches GraphQL: the status, the stable code and the words. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The body as text, within the size and time limits; rejects with a Refusal. */
export async function readBody(req: IncomingMessage, limits: Pick<RequestLimits, "maxBodyBytes" | "bodyTimeoutMs">): Promise<string> {
  return (await readBytes(req, limits)).toString("utf8");
}

/** The body's bytes, within the size and time limits; rejects with a Refusal. */
export function readBytes(req: IncomingMessage, limits: Pick<RequestLimits, "maxBodyBytes" | "bodyTimeoutMs">): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new Refusal(413, "BODY_TOO_LARGE", `request body larger than the limit of ${limits.maxBodyBytes} bytes`);
    if (Number(req.headers["content-length"] ?? 0) > limits.maxBodyBytes) {
      reject(tooLarge());
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    // The whole body within the limit, however it is paced: a byte every
    // 250 ms never trips an idle timeout, and would hold a request forever.
    const timer = setTimeout(() => {
      req.pause();
      reject(new Refusal(408, "BODY_TIMEOUT", `request body did not arrive within ${limits.bodyTimeoutMs} ms`));
    }, limits.bodyTimeoutMs);
    const done = () => clearTimeout(timer);
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBodyBytes) {
        done();
        reject(tooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      done();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on("error", (err) => {
      done();
      reject(err);
    });
  });
}

/**
 * Checks parsed JSON against the depth and size limits, without recursion
 * (a value nested 100,000 deep must not overflow the stack checking it).
 * Throws a Refusal at the first limit crossed.
 */
export function checkJson(value: unknown, limits: Pick<RequestLimits, "maxJsonDepth" | "maxJsonValues">, what = "request JSON"): void {
  const stack: [unknown, number][] = [[value, 1]];
  let count = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    count += 1;
    if (count > limits.maxJsonValues) throw new Refusal(413, "JSON_TOO_LARGE", `${what} holds more than ${limits.maxJsonValues} values`);
    if (current === null || typeof current !== "object") continue;
    if (depth > limits.maxJsonDepth) throw new Refusal(400, "JSON_TOO_DEEP", `${what} is nested deeper than ${limits.maxJsonDepth} levels`);
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
}

/**
 * The nesting depth of JSON text, checked before parsing it: a body of a
 * million opening brackets is refused for its depth, not parsed first (and
 * JSON.parse's recursion is no limit to lean on). Brackets inside strings do
 * not count; a string is skipped with indexOf to its closing quote (a quote
 * after an odd run of backslashes is escaped) rather than a character at a
 * time: a unit's `_entities` bodies (100 KB of representations, mostly
 * strings) took 3% of its CPU here before.
 */
export function checkJsonText(text: string, limits: Pick<RequestLimits, "maxJsonDepth">, what = "request JSON"): void {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      let end = text.indexOf('"', i + 1);
      while (end >= 0 && escaped(text, end)) end = text.indexOf('"', end + 1);
      if (end < 0) return; // an unclosed string holds the rest
      i = end;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth += 1;
      if (depth > limits.maxJsonDepth) throw new Refusal(400, "JSON_TOO_DEEP", `${what} is nested deeper than ${limits.maxJsonDepth} levels`);
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth -= 1;
    }
  }
}

/** Whether the quote at `at`, inside a string, is escaped: an odd run of backslashes before it (the string's opening quote ends the run). */
function escaped(text: string, at: number): boolean {
  let run = 0;
  while (text.charCodeAt(at - run - 1) === 92 /* \ */) run += 1;
  return run % 2 === 1;
}

/** The GraphQL error body every refusal carries. */
export function errorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

/**
 * Node answers a malformed request or headers that arrive too slowly itself,
 * with a bare status line; this answers them as every other refusal: a JSON
 * GraphQL error with a stable code, then the connection closes.
 */
export function answerClientError(limits: Pick<RequestLimits, "headersTimeoutMs">) {
  return (err: Error & { code?: string }, socket: Duplex): void => {
    if (!socket.writable || err.code === "ECONNRESET") {
      socket.destroy();
      return;
    }
    const [status, code, message] =
      err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "HEADERS_TIMEOUT", `request headers did not arrive within ${limits.headersTimeoutMs} ms`]
        : err.code === "HPE_HEADER_OVERFLOW"
          ? [431, "HEADERS_TOO_LARGE", "request headers are larger than the server accepts"]
          : [400, "BAD_REQUEST", "malformed HTTP request"];
    const body = errorBody(code, message);
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  };
}
