import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { Agent, request } from "undici";
import type { Call } from "./call";
import { bodyOf } from "./calls";
import { badStatus, connectionFailed, unreadable } from "./failures";

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
  /** The answer's headers as they came (undici's object: lower-case names, `set-cookie` as a list). */
  headers?: Record<string, string | string[] | undefined>;
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
      return { status: res.statusCode, contentType: Array.isArray(type) ? type[0] : (type ?? ""), body: await res.body.text(), headers: res.headers };
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
      answer = await pool.post(url, { ...call.headers, "content-type": "application/json" }, call.body ?? bodyOf(call), call.signal ?? NEVER);
    } catch {
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
function readResponse(body: string, unit: string): GatewayGraphQLResponse {
  let response: unknown;
  try {
    response = JSON.parse(body);
  } catch {
    response = undefined;
  }
  if (response === null || typeof response !== "object" || Array.isArray(response)) throw unreadable(unit);
  return response as GatewayGraphQLResponse;
}
