/**
 * The gateway's batches to a unit: fetches of different callers, sent to
 * one unit in the same tick, travel as ONE HTTP request and come back as one
 * HTTP response, each fetch still a request of its own. Under the crowd
 * bench one HTTP exchange per fetch cost the gateway 13.8% of its samples in
 * writev alone, and the busiest unit 17% in Node's HTTP parsing and answer
 * writing: that is what a batch saves; everything per fetch stays per fetch.
 *
 * Request (content type `BATCH_TYPE`), a frame per fetch, back to back:
 *
 *     <body bytes> SP <headers as JSON> LF <body>
 *
 * The headers are those the fetch would carry alone (identity, timestamp and
 * signature as sign.ts wrote them, request id, channel, trace context...),
 * the body its exact bytes, never escaped again: the unit checks each
 * signature with the same code as a single request's (an HMAC over that
 * fetch's identity, timestamp and body), so an entry can only be accepted
 * with the identity signed for its own body, whatever its place in a batch.
 *
 * Response (`BATCH_TYPE`, streamed), a frame per answer as each is ready:
 *
 *     <body bytes> SP {"entry":i,"status":s,"headers":{...}} LF <body>
 *
 * `entry` is the fetch's place in the request: answers come in the order
 * they finish, so a slow fetch holds back no other one. Status, headers and
 * body are what the unit would have answered that fetch alone.
 *
 * A unit that takes batches says so on its answers (`BATCH_HEADER`); the
 * gateway sends batches only to a URL whose answers said it, and a unit
 * that does not take them never sees one.
 */
export const BATCH_TYPE = "application/vnd.customer-graph.batch";
/** On a unit's answers: the batch format it takes. */
export const BATCH_HEADER = "x-cg-batch";
export const BATCH_VERSION = "1";

/** The longest head line an entry may have (as a request's headers: Node's default limit). */
export const MOST_HEAD_BYTES = 16 * 1024;
/** Most entries a unit takes in one batch (the gateway sends at most 64): one HTTP request starts no more work than this. */
export const MOST_ENTRIES = 256;

/** One fetch of a batch request, as it would be sent alone. */
export interface BatchEntry {
  headers: Record<string, string>;
  body: string;
}

/**
 * One frame of the request (body length in bytes, then the headers, then the
 * body), as the bytes that go on the wire: written once, outside V8's heap.
 * Joined as strings, a batch of several callers' bodies was one more large
 * string on the heap, 7 % of all the gateway allocated under the bench's list
 * case (c) (V8's sampling heap profiler, counting what was collected too).
 */
export function requestFrame(headers: Readonly<Record<string, string>>, body: Buffer): Buffer {
  const head = `${body.length} ${JSON.stringify(headers)}\n`;
  const headLength = Buffer.byteLength(head);
  const frame = Buffer.allocUnsafe(headLength + body.length);
  frame.write(head, 0);
  body.copy(frame, headLength);
  return frame;
}

/** One answer of the response. */
export interface EntryAnswer {
  entry: number;
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export function answerFrame(entry: number, status: number, headers: Record<string, string | string[]>, body: Buffer): Buffer {
  const head = Buffer.from(`${body.length} ${JSON.stringify({ entry, status, headers })}\n`);
  return Buffer.concat([head, body]);
}

/** A request entry as the unit reads it: the fetch, or why it cannot be served (it fails alone). */
export type ReadEntry = { ok: true; entry: BatchEntry } | { ok: false; status: number; code: string; message: string; headers: Record<string, string> };

/** The batch cannot be read as frames at all: it fails as a whole, with a 400. */
export class MalformedBatch extends Error {}

/**
 * The entries of a batch request. An entry whose body is longer than
 * `maxBodyBytes` or whose head is not a headers object fails alone; frames
 * that do not add up (a length past the end, no head line) make the whole
 * batch malformed.
 */
export function readBatch(bytes: Buffer, maxBodyBytes: number): ReadEntry[] {
  const entries: ReadEntry[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (entries.length === MOST_ENTRIES) throw new MalformedBatch(`more than ${MOST_ENTRIES} entries`);
    const frame = nextFrame(bytes, at);
    if (!frame) throw new MalformedBatch(`entry ${entries.length} is cut short`);
    at = frame.end;
    let headers: Record<string, string>;
    try {
      headers = headersOf(JSON.parse(bytes.toString("utf8", frame.headStart, frame.headEnd)));
    } catch {
      entries.push({ ok: false, status: 400, code: "BAD_REQUEST", message: `batch entry ${entries.length} has no readable headers`, headers: {} });
      continue;
    }
    if (frame.end - frame.bodyStart > maxBodyBytes) {
      entries.push({ ok: false, status: 413, code: "BODY_TOO_LARGE", message: `request body larger than the limit of ${maxBodyBytes} bytes`, headers });
      continue;
    }
    entries.push({ ok: true, entry: { headers, body: bytes.toString("utf8", frame.bodyStart, frame.end) } });
  }
  return entries;
}

interface Frame {
  headStart: number;
  headEnd: number;
  bodyStart: number;
  end: number;
}

/** The frame at `at`, or null when `bytes` does not hold all of it (yet). Throws on what is no frame at all. */
function nextFrame(bytes: Buffer, at: number): Frame | null {
  const space = bytes.indexOf(0x20, at);
  const line = bytes.indexOf(0x0a, at);
  if (line < 0) {
    if (bytes.length - at > MOST_HEAD_BYTES) throw new MalformedBatch("a frame's head line is too long");
    return null;
  }
  if (space < 0 || space > line || space === at || space - at > 15 || line - space > MOST_HEAD_BYTES) throw new MalformedBatch("a frame has no length and head line");
  let length = 0;
  for (let i = at; i < space; i += 1) {
    const digit = bytes[i] - 0x30;
    if (digit < 0 || digit > 9) throw new MalformedBatch("a frame's length is not a number");
    length = length * 10 + digit;
  }
  const end = line + 1 + length;
  return end > bytes.length ? null : { headStart: space + 1, headEnd: line, bodyStart: line + 1, end };
}

function headersOf(value: unknown): Record<string, string> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new Error("not a header value");
    headers[name.toLowerCase()] = v;
  }
  return headers;
}

/**
 * Reads a batch response as its bytes arrive: each complete frame is handed
 * to `onAnswer` at once. `end()` throws if the last frame is cut short.
 */
export class AnswerReader {
  private pending: Buffer | null = null;

  constructor(private readonly onAnswer: (answer: EntryAnswer) => void) {}

  push(chunk: Buffer): void {
    const bytes = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    for (let frame = nextFrame(bytes, at); frame; frame = at < bytes.length ? nextFrame(bytes, at) : null) {
      const head = JSON.parse(bytes.toString("utf8", frame.headStart, frame.headEnd)) as Partial<EntryAnswer>;
      if (typeof head.entry !== "number" || typeof head.status !== "number" || head.headers === null || typeof head.headers !== "object") throw new MalformedBatch("an answer's head is not one");
      this.onAnswer({ entry: head.entry, status: head.status, headers: head.headers, body: bytes.subarray(frame.bodyStart, frame.end) });
      at = frame.end;
    }
    this.pending = at < bytes.length ? bytes.subarray(at) : null;
  }

  end(): void {
    if (this.pending) throw new MalformedBatch("the last answer is cut short");
  }
}
