import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { Logger } from "../../kit/log";
import { loadGatewayConfig } from "../config";
import { serveGraphiQL } from "./graphiql";

const quiet = (): Logger & { warnings: string[] } => {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, error: () => undefined, warn: (_f, m) => warnings.push(m) };
};

/** Calls a route with a fake request and captures what it answers. */
async function call(route: (req: IncomingMessage, res: ServerResponse) => unknown, method = "GET", headers: Record<string, string> = {}) {
  const out = { status: 0, headers: {} as Record<string, unknown>, body: Buffer.alloc(0) };
  const res = {
    writeHead(status: number, h: Record<string, unknown>) {
      out.status = status;
      out.headers = h;
    },
    end(body?: Buffer | string) {
      if (body) out.body = Buffer.from(body);
    },
  } as unknown as ServerResponse;
  await route({ method, headers } as IncomingMessage, res);
  return out;
}

describe("GraphiQL serving", () => {
  const dir = mkdtempSync(join(tmpdir(), "cg-graphiql-"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><script src=graphiql/app.js></script>");
  writeFileSync(join(dir, "app.js"), "console.log('graphiql');".repeat(100));
  writeFileSync(join(dir, "codicon-X.ttf"), Buffer.from([0, 1, 0, 0]));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves the page at / and for the GraphQL path, locked to this origin", async () => {
    const { routes, html } = serveGraphiQL(true, quiet(), dir);
    expect(Object.keys(routes).sort()).toEqual(["/", "/graphiql/app.js", "/graphiql/codicon-X.ttf"]);
    expect(html).toBe(routes["/"]);
    const page = await call(routes["/"]);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(String(page.headers["content-security-policy"])).toMatch(/default-src 'self'.*connect-src 'self'/);
  });

  it("revalidates by ETag, gzips text on demand and refuses other methods", async () => {
    const { routes } = serveGraphiQL(true, quiet(), dir);
    const first = await call(routes["/graphiql/app.js"], "GET", { "accept-encoding": "gzip, br" });
    expect(first.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(first.body).toString()).toMatch(/^console\.log/);
    expect((await call(routes["/graphiql/app.js"], "GET", { "if-none-match": String(first.headers.etag) })).status).toBe(304);
    const font = await call(routes["/graphiql/codicon-X.ttf"], "GET", { "accept-encoding": "gzip" });
    expect(font.headers).toMatchObject({ "content-type": "font/ttf", "content-length": 4 });
    expect((await call(routes["/graphiql/app.js"], "HEAD")).body).toHaveLength(0);
    expect((await call(routes["/"], "POST")).status).toBe(405);
  });

  it("is off when disabled, and says so when on without a build", () => {
    expect(serveGraphiQL(false, quiet(), dir)).toEqual({ routes: {} });
    const logger = quiet();
    expect(serveGraphiQL(true, logger, null)).toEqual({ routes: {} });
    expect(logger.warnings[0]).toMatch(/npm run build/);
  });

  it("is on by default in development and off in production unless asked for", () => {
    const production = { NODE_ENV: "production", GRAPH_SIGNING_SECRET: "s3cret-for-test", GATEWAY_JWT_SECRET: "jwt-s3cret-for-test" };
    expect(loadGatewayConfig({}).GATEWAY_GRAPHIQL).toBe(true);
    expect(loadGatewayConfig(production).GATEWAY_GRAPHIQL).toBe(false);
    expect(loadGatewayConfig({ ...production, GATEWAY_GRAPHIQL: "true" }).GATEWAY_GRAPHIQL).toBe(true);
    expect(loadGatewayConfig({ GATEWAY_GRAPHIQL: "off" }).GATEWAY_GRAPHIQL).toBe(false);
  });
});
