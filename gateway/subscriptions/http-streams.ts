import type { IncomingMessage, ServerResponse } from "node:http";
import type { FormattedExecutionResult, GraphQLError } from "graphql";
import { createHandler } from "graphql-sse";
import type { RequestInfo } from "../../kit/http";
import type { Feed } from "./feed";
import { type SubscribeRequest, refusalOf } from "./live";

/**
 * Subscriptions over plain HTTP on the GraphQL path, after the same
 * admission as any request (kit/http.ts's guard):
 * - Server-Sent Events, the GraphQL over SSE protocol's distinct-connections
 *   mode (graphql-sse's handler): `accept: text/event-stream`;
 * - multipart HTTP subscriptions as Apollo Client and Router speak them
 *   (`accept: multipart/mixed;subscriptionSpec=1.0`): one JSON part per
 *   event as `{ payload }`, `{}` as a heartbeat, a last `{ payload: null,
 *   errors }` when the gateway ends the stream.
 * Both stop reading a subscriber's feed while its socket will not take
 * more, so the feed's bound drops a client that stopped reading.
 */
export interface HttpStreamFront {
  subscribe(request: SubscribeRequest, info: RequestInfo): Feed | { errors: readonly GraphQLError[] };
  heartbeatMs: number;
}

export function wantsEventStream(accept: string | undefined): boolean {
  return /(^|,)\s*text\/event-stream\b/i.test(accept ?? "");
}

export function wantsMultipartSubscription(accept: string | undefined): boolean {
  return /multipart\/mixed[^,]*subscriptionSpec\s*=\s*"?1\.0/i.test(accept ?? "");
}

export function requestOf(info: RequestInfo): SubscribeRequest {
  if (info.body && typeof info.body === "object") return info.body as SubscribeRequest;
  const params = info.url.searchParams;
  let variables: unknown;
  try {
    variables = params.has("variables") ? JSON.parse(params.get("variables")!) : undefined;
  } catch {
    variables = undefined;
  }
  return { query: params.get("query") ?? undefined, variables, operationName: params.get("operationName") ?? undefined };
}

export function serveEventStream(front: HttpStreamFront): (req: IncomingMessage, res: ServerResponse, info: RequestInfo) => Promise<void> {
  const handler = createHandler<IncomingMessage, { res: ServerResponse }>({
    onSubscribe: (request, params) => {
      const { info, res } = request.context as unknown as { info: RequestInfo; res: ServerResponse };
      const outcome = front.subscribe(params, info);
      // graphql-sse recognises a result by its `data`.
      if ("errors" in outcome) return { data: null, ...refusalOf(outcome.errors) } as never;
      // The handler's generator waits on the feed: a client gone must end the feed itself.
      res.once("close", () => void outcome.return());
      return outcome as never;
    },
  });
  return async (req, res, info) => {
    const [body, init] = await handler({
      method: req.method ?? "GET",
      url: req.url ?? "/",
      headers: { get: (name) => headerOf(req, name) },
      // kit/http.ts has read the body already (admission needed it).
      body: () => info.rawBody,
      raw: req,
      context: { res, info } as never,
    });
    res.writeHead(init.status, init.statusText, init.headers as Record<string, string>);
    if (!body || typeof body === "string") {
      res.end(body ?? undefined);
      return;
    }
    res.once("close", () => void body.return(undefined));
    for await (const chunk of body) {
      if (res.destroyed) break;
      if (!res.write(chunk)) await drained(res);
    }
    res.end();
  };
}

const PART = "\r\ncontent-type: application/json; charset=utf-8\r\n\r\n";

export async function serveMultipartSubscription(res: ServerResponse, request: SubscribeRequest, info: RequestInfo, front: HttpStreamFront): Promise<void> {
  const outcome = front.subscribe(request, info);
  res.writeHead(200, { "content-type": 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"', "cache-control": "no-cache, no-store" });
  res.write("\r\n--graphql");
  const part = (body: unknown) => res.write(`${PART}${JSON.stringify(body)}\r\n--graphql`);
  if ("errors" in outcome) {
    part({ payload: null, errors: refusalOf(outcome.errors).errors });
    res.end("--\r\n");
    return;
  }
  const feed = outcome;
  const heartbeat = setInterval(() => part({}), front.heartbeatMs);
  res.once("close", () => void feed.return());
  try {
    for await (const result of feed) {
      if (res.destroyed) break;
      // The gateway's own last word (a token expired, a reload, a slow reader) ends the stream as a transport error.
      const ending = !feed.open && isGatewayEnd(result);
      if (!(ending ? part({ payload: null, errors: result.errors }) : part({ payload: result }))) await drained(res);
    }
  } finally {
    clearInterval(heartbeat);
    if (!res.destroyed) res.end("--\r\n");
  }
}

function isGatewayEnd(result: FormattedExecutionResult): boolean {
  return result.data === undefined && (result.errors?.length ?? 0) > 0;
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}

function headerOf(req: IncomingMessage, name: string): string | null | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join("\n") : value;
}
