import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "../context";
import type { KeptHeader } from "../subgraph-calls/header-rules";

/**
 * The response headers units sent that GATEWAY_HEADER_RULES let back to the
 * client (subgraph-calls/unit-headers.ts keeps them per fetch), written onto
 * the client's answer. One client request makes many fetches, to many units,
 * in parallel, so what one header says is settled in the order the plan
 * started its fetches, not the order answers happened to arrive:
 *
 * - `first` (a rule's default): the first fetch's value;
 * - `join`: every distinct value, in fetch order, comma-separated, as HTTP
 *   combines a list header's lines (RFC 9110, 5.3);
 * - `set-cookie`: every cookie, one line each (cookies cannot be joined);
 *   where two fetches set a cookie of the same name, the first fetch's.
 *
 * Only fetches done when the answer's headers are written count: the later
 * parts of an incremental (`@defer`) answer come after them.
 */
export class UnitHeaders {
  private started = 0;
  private readonly got: Array<{ order: number; headers: KeptHeader[] }> = [];

  /** A fetch starts: its place in the order conflicts are settled in. */
  start(): number {
    this.started += 1;
    return this.started;
  }

  add(order: number, headers: KeptHeader[]): void {
    if (headers.length > 0) this.got.push({ order, headers });
  }

  /** Whether some fetch's unit set a cookie the rules let back: no shared cache may keep such an answer (cache-headers.ts). */
  setsCookie(): boolean {
    return this.got.some(({ headers }) => headers.some((h) => h.combine === "cookies"));
  }

  /** Each header to write, with its one value or (set-cookie) its lines. */
  merged(): Map<string, string[]> {
    const byName = new Map<string, { combine: KeptHeader["combine"]; values: string[] }>();
    for (const { headers } of [...this.got].sort((a, b) => a.order - b.order)) {
      for (const header of headers) {
        const entry = byName.get(header.name);
        if (!entry) byName.set(header.name, { combine: header.combine, values: [...header.values] });
        else if (header.combine !== "first") entry.values.push(...header.values);
      }
    }
    const out = new Map<string, string[]>();
    for (const [name, { combine, values }] of byName) {
      if (combine === "cookies") out.set(name, firstOfEachCookie(values));
      else if (combine === "join") out.set(name, [[...new Set(values.flatMap((v) => v.split(",").map((s) => s.trim())).filter(Boolean))].join(", ")]);
      else out.set(name, [values.join(", ")]);
    }
    return out;
  }
}

/** Cookie lines, the first of each cookie name (what comes before `=`), in order. */
function firstOfEachCookie(lines: string[]): string[] {
  const seen = new Set<string>();
  return lines.filter((line) => {
    const name = line.slice(0, Math.max(0, line.indexOf("="))).trim();
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

/**
 * Writes what the units sent back, as the rules allow, onto the client's
 * answer. The gateway's own headers are never among them (the rules refuse
 * those at boot). Several `set-cookie` lines travel in one header value
 * separated by a line break, which no header value can contain: the HTTP
 * front (kit/http.ts) writes each as a line of its own.
 */
export function unitHeadersPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          writeUnitHeaders(contextValue, response.http.headers);
        },
      };
    },
  };
}

/** What the plugin writes, for Apollo's answers and the fast path's (fast-path.ts) alike. */
export function writeUnitHeaders(context: GatewayContext, headers: { set(name: string, value: string): unknown }): void {
  const kept = context.unitHeaders;
  if (!kept) return;
  for (const [name, values] of kept.merged()) headers.set(name, values.join("\n"));
}
