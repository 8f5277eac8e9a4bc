import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { type Route, sendError } from "../../kit/http";
import type { Logger } from "../../kit/log";

/**
 * GraphiQL, served from the static bundle `npm run build` puts in
 * dist/graphiql: the page at `/` and to browsers that open `/graphql`, its
 * assets under `/graphiql/`. Nothing comes from a CDN, and the page's
 * Content-Security-Policy allows only this origin, so the IDE works offline
 * and cannot reach the internet even by accident.
 */
const ASSET_PREFIX = "/graphiql/";

const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // GraphiQL and Monaco set element styles at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ttf": "font/ttf",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
};

export interface GraphiQLRoutes {
  /** Plain routes to add to the HTTP front (`/` and the assets). */
  routes: Record<string, Route>;
  /** The page, for browsers that open the GraphQL path itself. */
  html?: Route;
}

/** dist/graphiql, seen from the build (dist/gateway) or from the sources (gateway/, under test). */
export function findGraphiQLBundle(): string | null {
  const candidates = [join(__dirname, "..", "..", "graphiql"), join(__dirname, "..", "..", "dist", "graphiql")];
  return candidates.find((dir) => existsSync(join(dir, "index.html"))) ?? null;
}

/** The placeholder the examples' headers carry (scripts/graphiql.ts). */
export const TOKEN_PLACEHOLDER = `// "Authorization": "Bearer <token: see README>",`;

/**
 * `demoToken`: on the development secrets, a fresh demo token for each page
 * load replaces the placeholder, so every example runs at once.
 */
export function serveGraphiQL(enabled: boolean, logger: Logger, dir: string | null = findGraphiQLBundle(), demoToken?: () => Promise<string>): GraphiQLRoutes {
  if (!enabled) return { routes: {} };
  if (!dir) {
    logger.warn({}, "GATEWAY_GRAPHIQL is on but dist/graphiql is missing; run `npm run build`");
    return { routes: {} };
  }
  const page = staticFile(join(dir, "index.html"), { "content-security-policy": PAGE_POLICY });
  const routes: Record<string, Route> = { "/": page };
  for (const file of readdirSync(dir)) {
    if (file !== "index.html") routes[`${ASSET_PREFIX}${file}`] = staticFile(join(dir, file));
  }
  const examples = join(dir, "examples.json");
  if (demoToken && existsSync(examples)) {
    const text = readFileSync(examples, "utf8");
    routes[`${ASSET_PREFIX}examples.json`] = async (_req, res) => {
      const withToken = text.split(JSON.stringify(TOKEN_PLACEHOLDER).slice(1, -1)).join(JSON.stringify(`"Authorization": "Bearer ${await demoToken()}",`).slice(1, -1));
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      res.end(withToken);
    };
  }
  return { routes, html: page };
}

/** One file, read once; revalidated by ETag, gzipped on first demand. */
function staticFile(path: string, headers: Record<string, string> = {}): Route {
  const body = readFileSync(path);
  const type = TYPES[extname(path)] ?? "application/octet-stream";
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  const compressible = /^(text\/|application\/json)/.test(type);
  let gzipped: Buffer | undefined;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "GET" && req.method !== "HEAD") return sendError(res, 405, "METHOD_NOT_ALLOWED", "use GET", { allow: "GET, HEAD" });
    const common = { etag, "cache-control": "no-cache", "x-content-type-options": "nosniff", vary: "accept-encoding", ...headers };
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, common);
      res.end();
      return;
    }
    const gzip = compressible && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    const payload = gzip ? (gzipped ??= gzipSync(body)) : body;
    res.writeHead(200, { ...common, "content-type": type, "content-length": payload.length, ...(gzip ? { "content-encoding": "gzip" } : {}) });
    res.end(req.method === "HEAD" ? undefined : payload);
  };
}
