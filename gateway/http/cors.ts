import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * CORS for an allow-list of browser origins. Requests from other origins get
 * no CORS headers (the browser then refuses them); a preflight from an
 * allowed origin is answered here, before anything else runs.
 */
export function corsHandler(allowed: readonly string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const origins = new Set(allowed);
  return (req, res) => {
    const origin = req.headers.origin;
    if (!origin || !origins.has(origin)) return false;
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("vary", "origin");
    if (req.method !== "OPTIONS") return false;
    res.writeHead(204, {
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": "authorization, content-type, x-channel, x-request-id, x-cost, x-explain, apollo-require-preflight, x-apollo-operation-name",
      "access-control-max-age": "600",
    });
    res.end();
    return true;
  };
}
