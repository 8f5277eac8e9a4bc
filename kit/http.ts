import { randomUUID } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type ApolloServer, type BaseContext, HeaderMap } from "@apollo/server";
import { IncrementalResponse, acceptsIncremental } from "./incremental";
import { type HttpObserver, linkContext, noteErrorCode, requestOf } from "./observe";
import { DEFAULT_LIMITS, Refusal, type RequestLimits, answerClientError, checkJson, checkJsonText, readBody, readBytes } from "./request-limits";
import { answerBatch } from "./batch-server";
import { BATCH_HEADER, BATCH_TYPE, BATCH_VERSION, MalformedBatch, type ReadEntry, readBatch } from "./unit-batch";

/**
 * A small HTTP front for Apollo Server, shared by the gateway and every
 * subgraph: body size limit, clear errors for malformed requests, a request
 * id on every response, plain routes (`/health`...) beside `/graphql`, and a
 * close that lets in-flight requests finish.
 */
export interface RequestInfo {
  requestId: string;
  headers: IncomingMessage["headers"];
  /** Raw body text, for request signing. */
  rawBody: string;
  /** The parsed body (POST) and the URL (GET parameters); a guard may complete either. */
  body: unknown;
  url: URL;
  /** The client's address, for limits on anonymous callers. */
  remoteAddress: string;
  /** Set when the client takes incremental delivery (`@defer`): the executor adds later parts to it. */
  incremental?: IncrementalResponse;
}

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface HttpOptions<C extends BaseContext> {
  apollo: ApolloServer<C>;
  context(info: RequestInfo): Promise<C>;
  routes?: Record<string, Route>;
  /** Size, depth and time limits on each request (request-limits.ts); each has a default. */
  limits?: Partial<RequestLimits>;
  graphqlPath?: string;
  /** Called first for every request (CORS); return true once it has answered. */
  onRequest?(req: IncomingMessage, res: ServerResponse): boolean;
  /** Called before Apollo sees the request; return false once it has answered. */
  guard?(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<boolean> | boolean;
  /** Answers a browser that navigates to the GraphQL path (GET, Accept preferring text/html), e.g. with an IDE. */
  html?: Route;
  /** Metrics, the request log line and the server span of every GraphQL request (observe.ts). */
  observer?: HttpObserver;
  /** Called after the guard admitted a request; returns true once it has taken the request over (a subscription's stream). */
  stream?(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<boolean> | boolean;
  /**
   * Called last, before Apollo Server, with the request's context as Apollo
   * would get it; returns true once it has answered, false to leave the
   * request to Apollo untouched (a unit's lean path, kit/subgraph/lean-path.ts).
   */
  answer?(req: IncomingMessage, res: ServerResponse, info: RequestInfo, context: () => Promise<C>): Promise<boolean> | boolean;
  /**
   * Takes the gateway's batches on the GraphQL path (unit-batch.ts, batch-server.ts), and says so
   * on every answer: each entry is served as a request of its own, the batch itself is no request.
   */
  batch?: boolean;
}

/** A batch may be this many times the size of one request's body (each entry is held to that size). */
const BATCH_BODY_FACTOR = 8;

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  close(graceMs?: number): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  noteErrorCode(requestOf(res), code);
  // A refusal (rate limit, bad input) is about this request: no cache may keep it for the next one.
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, { "cache-control": "no-store", ...headers });
}

export async function serveApollo<C extends BaseContext>(options: HttpOptions<C>, port: number, host = "127.0.0.1"): Promise<RunningServer> {
  const limits: RequestLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const graphqlPath = options.graphqlPath ?? "/graphql";
  let inFlight = 0;
  let draining: (() => void) | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = safeRequestId(req.headers["x-request-id"]) ?? randomUUID();
    res.setHeader("x-request-id", requestId);
    if (options.batch) res.setHeader(BATCH_HEADER, BATCH_VERSION);
    if (options.onRequest?.(req, res)) return;
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = options.routes?.[url.pathname];
    if (route) return route(req, res);
    if (options.html && url.pathname === graphqlPath && req.method === "GET" && prefersHtml(req.headers.accept)) return options.html(req, res);
    if (url.pathname !== graphqlPath) return sendError(res, 404, "NOT_FOUND", `no route ${url.pathname}; GraphQL is at ${graphqlPath}`);
    if (options.batch && req.method === "POST" && req.headers["content-type"] === BATCH_TYPE) return batch(req, res, url);
    return options.observer ? options.observer.observe(req, res, requestId, () => graphql(req, res, url, requestId)) : graphql(req, res, url, requestId);
  };

  const graphql = async (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> => {
    let rawBody = "";
    if (req.method === "POST") {
      try {
        rawBody = await readBody(req, limits);
      } catch (err) {
        if (!(err instanceof Refusal)) throw err;
        return refuse(res, err);
      }
    }
    return withBody(req, res, url, requestId, rawBody);
  };

  // A refused body may still be arriving: answer, then close the connection.
  const refuse = (res: ServerResponse, err: Refusal) => sendError(res, err.status, err.code, err.message, err.status === 413 || err.status === 408 ? { connection: "close" } : {});

  /** A GraphQL request once its body is in: a request of its own, or an entry of a batch. */
  const withBody = async (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string, rawBody: string): Promise<void> => {
    let body: unknown = undefined;
    try {
      if (req.method === "POST") {
        const type = String(req.headers["content-type"] ?? "");
        if (type.includes("application/json") || type.includes("application/graphql-response+json")) {
          checkJsonText(rawBody, limits);
          try {
            body = rawBody === "" ? undefined : JSON.parse(rawBody);
          } catch (err) {
            return sendError(res, 400, "BAD_REQUEST", `malformed JSON body: ${(err as Error).message}`);
          }
          // The text's depth is checked above; what is left to count is the values, when they are limited.
          if (limits.maxJsonValues !== Number.POSITIVE_INFINITY) checkJson(body, limits);
        } else {
          body = rawBody;
        }
      }
      // GET carries its JSON in parameters; Apollo parses them, the limits apply first.
      for (const name of ["variables", "extensions"]) {
        const param = url.searchParams.get(name);
        if (param === null) continue;
        checkJsonText(param, limits, `the ${name} parameter`);
        let parsed: unknown;
        try {
          parsed = JSON.parse(param);
        } catch {
          continue; // Apollo answers malformed parameters in its own words.
        }
        checkJson(parsed, limits, `the ${name} parameter`);
      }
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      return refuse(res, err);
    }
    const incremental = acceptsIncremental(headerValue(req.headers.accept)) ? new IncrementalResponse() : undefined;
    const info: RequestInfo = { requestId, headers: req.headers, rawBody, body, url, remoteAddress: req.socket.remoteAddress ?? "unknown", incremental };
    if (options.guard && !(await options.guard(req, res, info))) return;
    if (options.stream && (await options.stream(req, res, info))) return;
    const context = async () => linkContext(res, await options.context(info));
    if (options.answer && (await options.answer(req, res, info, context))) return;

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    // Apollo Server answers the primary part as JSON; the later parts are written below.
    if (incremental) headers.set("accept", "application/json");
    const response = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "GET", headers, search: info.url.search, body: info.body },
      context,
    });
    // Several Set-Cookie lines come as one value split by line breaks (no header value holds one): a line each.
    for (const [key, value] of response.headers) res.setHeader(key, key === "set-cookie" ? value.split("\n") : value);
    res.statusCode = response.status ?? 200;
    // Not modified (the gateway's cache validators): the headers say it all, a body is not allowed.
    if (res.statusCode === 304) return void res.end();
    if (response.body.kind === "complete" && incremental?.used && res.statusCode === 200) {
      await incremental.write(res, response.body.string);
    } else if (response.body.kind === "complete") {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };

  /** The gateway's batch: each entry observed and served as a request of its own; a batch that is not frames is refused whole. */
  const batch = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    let entries: ReadEntry[];
    try {
      entries = readBatch(await readBytes(req, { ...limits, maxBodyBytes: limits.maxBodyBytes * BATCH_BODY_FACTOR }), limits.maxBodyBytes);
    } catch (err) {
      if (err instanceof Refusal) return refuse(res, err);
      if (err instanceof MalformedBatch) return sendError(res, 400, "BAD_REQUEST", `malformed batch: ${err.message}`);
      throw err;
    }
    await answerBatch(req, res, entries, async (entryReq, entryRes, read) => {
      const requestId = safeRequestId(entryReq.headers["x-request-id"]) ?? randomUUID();
      entryRes.setHeader("x-request-id", requestId);
      const serve = read.ok ? () => withBody(entryReq, entryRes, url, requestId, read.entry.body) : async () => sendError(entryRes, read.status, read.code, read.message);
      return (options.observer ? options.observer.observe(entryReq, entryRes, requestId, serve) : serve()).catch((err: unknown) => failed(entryReq, entryRes, err));
    });
  };

  /** A request whose handling threw: a 500 if nothing was sent yet, else the answer ends where it is. */
  const failed = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    if (!res.headersSent) sendError(res, 500, "INTERNAL_SERVER_ERROR", "internal error");
    else res.end();
    process.emitWarning(`request ${req.url} failed: ${(err as Error).stack ?? String(err)}`);
  };

  const server = createServer({ headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs + 5000, connectionsCheckingInterval: checkEvery(limits.headersTimeoutMs) }, (req, res) => {
    inFlight += 1;
    res.on("close", () => {
      inFlight -= 1;
      if (inFlight === 0 && draining) draining();
    });
    handle(req, res).catch((err: unknown) => failed(req, res, err));
  });
  server.keepAliveTimeout = 65_000;
  server.on("clientError", answerClientError(limits));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;

  return {
    server,
    port: bound,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}${graphqlPath}`,
    async close(graceMs = 10_000) {
      // Stop accepting, let in-flight requests finish, then drop idle sockets.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([new Promise<void>((resolve) => (draining = resolve)), new Promise((r) => setTimeout(r, graceMs).unref())]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * How often Node looks for requests whose headers are late: often enough that
 * a late one is refused near its limit, not up to Node's default 30 s after.
 */
function checkEvery(headersTimeoutMs: number): number {
  return Math.max(50, Math.min(1000, Math.floor(headersTimeoutMs / 4)));
}

/** Whether an Accept header asks for HTML before JSON, as a browser's navigation does and fetch() or curl do not. */
export function prefersHtml(accept: string | undefined): boolean {
  const quality = (type: string): number => {
    for (const range of (accept ?? "").split(",")) {
      const [name, ...params] = range.trim().split(";");
      if (name.trim().toLowerCase() !== type) continue;
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return q ? Number(q.slice(2)) || 0 : 1;
    }
    return 0;
  };
  const html = quality("text/html");
  // A tie goes to JSON: a client that lists both is an API client.
  return html > Math.max(quality("application/json"), quality("application/graphql-response+json"));
}

function safeRequestId(value: unknown): string | undefined {
  return typeof value === "string" && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : undefined;
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
