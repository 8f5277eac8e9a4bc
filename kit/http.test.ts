import { ApolloServer } from "@apollo/server";
import { drip } from "../test/support/drip";
import { type RunningServer, prefersHtml, serveApollo } from "./http";

describe("prefersHtml", () => {
  it.each([
    ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true], // a browser navigating
    ["application/json", false], // fetch() and GraphQL clients
    ["application/graphql-response+json, application/json", false],
    ["*/*", false], // curl
    [undefined, false],
    ["application/json;q=0.5, text/html", true],
    ["text/html;q=0.5, application/json", false],
    ["text/html, application/json", false], // a tie goes to JSON
  ])("%s -> %s", (accept, expected) => {
    expect(prefersHtml(accept)).toBe(expected);
  });
});

describe("serveApollo's html hook", () => {
  let apollo: ApolloServer;
  let running: RunningServer;

  beforeAll(async () => {
    apollo = new ApolloServer({ typeDefs: "type Query { hello: String }", resolvers: { Query: { hello: () => "world" } } });
    await apollo.start();
    running = await serveApollo({ apollo, context: async () => ({}), html: (_req, res) => void res.end("<!doctype html>ide") }, 0);
  });
  afterAll(async () => {
    await running.close(100);
    await apollo.stop();
  });

  it("sends a browser that opens the GraphQL path to the html handler", async () => {
    const res = await fetch(running.url, { headers: { accept: "text/html,*/*;q=0.8" } });
    expect(await res.text()).toBe("<!doctype html>ide");
  });

  it("leaves GET queries and POSTs from API clients to Apollo", async () => {
    const get = await fetch(`${running.url}?query=${encodeURIComponent("{ hello }")}`, { headers: { accept: "application/json", "apollo-require-preflight": "1" } });
    expect(await get.json()).toEqual({ data: { hello: "world" } });
    const post = await fetch(running.url, { method: "POST", headers: { accept: "text/html,*/*;q=0.8", "content-type": "application/json" }, body: JSON.stringify({ query: "{ hello }" }) });
    expect(await post.json()).toEqual({ data: { hello: "world" } });
  });
});

describe("serveApollo's request limits", () => {
  let apollo: ApolloServer;
  let running: RunningServer;
  const limits = { bodyTimeoutMs: 600, headersTimeoutMs: 600, maxJsonDepth: 6, maxJsonValues: 50, maxBodyBytes: 10_000 };

  beforeAll(async () => {
    apollo = new ApolloServer({ typeDefs: "type Query { echo(v: JSON): Int } scalar JSON", resolvers: { Query: { echo: () => 1 } } });
    await apollo.start();
    running = await serveApollo({ apollo, context: async () => ({}), limits }, 0);
  });
  afterAll(async () => {
    await running.close(100);
    await apollo.stop();
  });

  const post = (body: string) => fetch(running.url, { method: "POST", headers: { "content-type": "application/json" }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it("cuts off a body dripped a byte every 250 ms with a 408 and a GraphQL error naming the limit", async () => {
    const body = JSON.stringify({ query: "{ echo }" }).padEnd(200, " ");
    const answer = await drip(running.port, `POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`, body);
    expect(answer.status).toBe(408);
    expect(answer.body).toEqual({ errors: [{ message: "request body did not arrive within 600 ms", extensions: { code: "BODY_TIMEOUT" } }] });
  });

  it("cuts off headers dripped a byte every 250 ms with a 408 and a GraphQL error naming the limit", async () => {
    const answer = await drip(running.port, "POST /graphql HTTP/1.1\r\n", "x-slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    expect(answer.status).toBe(408);
    expect(answer.body).toEqual({ errors: [{ message: "request headers did not arrive within 600 ms", extensions: { code: "HEADERS_TIMEOUT" } }] });
  });

  it("refuses JSON nested deeper or holding more values than the limits, in POST bodies and GET parameters", async () => {
    const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
    expect(await post(`{"query":"{ echo }","variables":{"v":${deep(4)}}}`)).toEqual({ status: 200, body: { data: { echo: 1 } } });
    expect(await post(`{"query":"{ echo }","variables":{"v":${deep(4000)}}}`)).toEqual({ status: 400, body: { errors: [{ message: "request JSON is nested deeper than 6 levels", extensions: { code: "JSON_TOO_DEEP" } }] } });
    expect(await post(JSON.stringify({ query: "{ echo }", variables: { v: Array.from({ length: 60 }, (_, i) => i) } }))).toMatchObject({ status: 413, body: { errors: [{ extensions: { code: "JSON_TOO_LARGE" } }] } });
    // Brackets inside strings are text, not nesting.
    expect((await post(JSON.stringify({ query: "{ echo }", variables: { v: "[[[[[[[[[[" } }))).status).toBe(200);
    const get = await fetch(`${running.url}?query=${encodeURIComponent("{ echo }")}&variables=${encodeURIComponent(`{"v":${deep(50)}}`)}`, { headers: { "apollo-require-preflight": "1" } });
    expect(get.status).toBe(400);
    expect(((await get.json()) as any).errors[0].extensions.code).toBe("JSON_TOO_DEEP");
  });
});
