import { ApolloServer } from "@apollo/server";
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
