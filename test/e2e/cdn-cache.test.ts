import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSilo } from "../../kit/subgraph";
import { type Stack, freePort, startStack } from "../support/stack";
import { eventually } from "../support/eventually";

/**
 * Debian's nginx as the CDN in front of the gateway, caching by what the
 * gateway's headers say (proxy_cache, no rules of its own about GraphQL).
 * Nothing is installed here: CI installs nginx (.ci/run); elsewhere the
 * test says it is skipped.
 */
const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => existsSync(p));
if (!NGINX && process.env.CI === "true") throw new Error("nginx is not installed: the CDN test needs it (apt-get install nginx-light)");
if (!NGINX) process.stderr.write("cdn-cache.test.ts skipped: nginx is not installed (apt-get install nginx-light)\n");
const describeWithNginx = NGINX ? describe : describe.skip;

const CATALOGUE = `query Catalogue { product(sku: "SKU-0001") { sku name category } categories }`;
// Anonymous callers see list prices; a final price needs a token, and so is never stored at all.
const PRICE = `query Price { product(sku: "SKU-0001") { sku listPrice { amount currency } } }`;
const CUSTOMER = `query Customer { customer(id: "C000001") { name } }`;

describeWithNginx("a CDN (nginx) in front of the gateway", () => {
  let stack: Stack;
  let nginx: ChildProcess;
  let dir: string;
  let cdn: string;
  let agent: string;

  beforeAll(async () => {
    stack = await startStack();
    agent = `Bearer ${await stack.token("agent")}`;
    dir = mkdtempSync(join(tmpdir(), "cdn-"));
    const port = await freePort();
    writeFileSync(join(dir, "nginx.conf"), nginxConf(dir, port, new URL(stack.gatewayUrl).port));
    nginx = spawn(NGINX!, ["-p", dir, "-c", join(dir, "nginx.conf")], { stdio: ["ignore", "ignore", "pipe"] });
    cdn = `http://127.0.0.1:${port}/graphql`;
    await eventually(
      "nginx answering",
      () =>
        fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.status,
          () => 0,
        ),
      (status) => status === 200,
      10_000,
    );
  }, 120_000);

  afterAll(async () => {
    if (nginx?.pid) nginx.kill("SIGTERM");
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // Answers are read loosely: the test asserts their shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const json = async (res: Response): Promise<any> => res.json();

  /** A GET through the CDN, as a browser or app would send a persisted query. */
  const get = (params: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const search = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    return fetch(`${cdn}?${search}`, { headers: { "x-channel": "WEB", ...headers } });
  };
  const persisted = (query: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: createHash("sha256").update(query).digest("hex") } } });

  it("serves a public catalogue query, sent as a persisted-query hash over GET, from the cache the second time", async () => {
    // The hash alone is unknown at first (never cached), then registered with its text (APQ).
    const unknown = await get(persisted(CATALOGUE));
    expect((await json(unknown)).errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect(unknown.headers.get("cache-control")).toBe("private, no-store");
    expect((await get({ query: CATALOGUE, ...persisted(CATALOGUE) })).status).toBe(200);

    const first = await get(persisted(CATALOGUE));
    const body = await json(first);
    expect(body.data.product).toMatchObject({ sku: "SKU-0001" });
    expect(body.data.categories.length).toBeGreaterThan(0);
    expect(first.headers.get("cache-control")).toBe("public, max-age=60");
    expect(first.headers.get("vary")).toMatch(/Authorization/);
    expect(first.headers.get("x-cache-status")).toBe("MISS");
    const second = await get(persisted(CATALOGUE));
    expect(second.headers.get("x-cache-status")).toBe("HIT");
    expect((await json(second)).data).toEqual(body.data);
  });

  it("never stores a customer's data, nor anything read with a token", async () => {
    for (let i = 0; i < 2; i += 1) {
      const res = await get({ query: CUSTOMER }, { authorization: agent });
      expect((await json(res)).data.customer.name).toBeTruthy();
      expect(res.headers.get("cache-control")).toBe("private, no-store");
      expect(res.headers.get("x-cache-status")).toBe("MISS");
    }
    // Catalogue data asked with a token is private too: the answer may depend on who asks.
    const withToken = await get({ query: CATALOGUE }, { authorization: agent });
    expect(withToken.headers.get("cache-control")).toBe("private, no-store");
  });

  it("revalidates a price on every request, and shows a price changed in the silo on the very next one", async () => {
    const first = await get({ query: PRICE });
    const before = (await json(first)).data.product.listPrice;
    expect(first.headers.get("cache-control")).toBe("public, no-cache");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    // Unchanged: the gateway answered the revalidation with a 304 and no body; the CDN never answered on its own.
    const again = await get({ query: PRICE }, { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("x-cache-status")).not.toBe("HIT");

    const db = createSilo(stack.siloUrls.get("retail")!);
    const [{ list_price: original }] = await db("rt_product").where({ sku: "SKU-0001" }).select("list_price");
    try {
      await db("rt_product")
        .where({ sku: "SKU-0001" })
        .update({ list_price: Number(original) + 10 });
      const changed = await get({ query: PRICE }, { "if-none-match": etag });
      expect(changed.status).toBe(200);
      const after = (await json(changed)).data.product.listPrice;
      expect(after.amount).not.toBe(before.amount);
      expect(changed.headers.get("etag")).not.toBe(etag);
      const plain = await get({ query: PRICE });
      expect((await json(plain)).data.product.listPrice).toEqual(after);
    } finally {
      await db("rt_product").where({ sku: "SKU-0001" }).update({ list_price: original });
      await db.destroy();
    }
  });

  it("makes an answer with a price in it as strict as the price, and one with an error uncacheable", async () => {
    const mixed = await get({ query: `{ product(sku: "SKU-0002") { name listPrice { amount } } }` });
    expect(mixed.headers.get("cache-control")).toBe("public, no-cache");
    const failed = await get({ query: `{ product(sku: "SKU-0001") { name } customer(id: "C000001") { name } }` });
    expect((await json(failed)).errors.length).toBeGreaterThan(0);
    expect(failed.headers.get("cache-control")).toBe("private, no-store");
    // Refused before GraphQL (admission): about this request only.
    const refused = await get({ query: CATALOGUE }, { "x-channel": "FAX" });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("cache-control")).toBe("no-store");
  });
});

/** A minimal shared cache: keeps what the gateway's Cache-Control allows, keyed by URL, and says whether it answered. */
function nginxConf(dir: string, port: number, gatewayPort: string): string {
  const root = process.getuid?.() === 0 ? "user root;" : "";
  return `${root}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=graph:1m max_size=10m inactive=10m use_temp_path=off;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${gatewayPort};
      proxy_http_version 1.1;
      proxy_cache graph;
      proxy_cache_key $scheme$host$request_uri;
      proxy_cache_revalidate on;
      # With proxy_cache on, nginx drops the client's validators to fetch whole bodies it can keep;
      # what it may not keep (no-cache) it should revalidate with the client's ETag, as CDNs do.
      proxy_set_header If-None-Match $http_if_none_match;
      add_header X-Cache-Status $upstream_cache_status always;
    }
  }
}
`;
}
