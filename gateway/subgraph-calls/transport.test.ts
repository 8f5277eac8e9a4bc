import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Transport, createTransport } from "./transport";

/**
 * The pool's POST over undici's `dispatch`: what a unit answered (status,
 * content type, the body's text however it was cut into chunks) and what a
 * caller's abort does (the exchange ends and its connection serves the next).
 */
describe("the transport to the units", () => {
  let server: Server;
  let base: string;
  let transport: Transport;
  const seen: { headers: Record<string, unknown>; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        seen.push({ headers: req.headers, body });
        if (req.url === "/hang") return; // never answers
        if (req.url === "/chunked") {
          // "é" (two bytes in UTF-8) cut between two chunks.
          const bytes = Buffer.from('{"data":{"name":"José"}}', "utf8");
          const cut = bytes.indexOf(0xc3) + 1;
          res.writeHead(200, {
            "Content-Type": "application/graphql-response+json; charset=utf-8",
          });
          res.write(bytes.subarray(0, cut));
          setTimeout(() => res.end(bytes.subarray(cut)), 10);
          return;
        }
        if (req.url === "/cookies") res.setHeader("set-cookie", ["a=1", "b=2"]);
        res.writeHead(req.url === "/teapot" ? 418 : 200, { "content-type": "text/plain", "X-Unit": "echo" });
        res.end(`echo ${body}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // One connection: a call that held on to it would stall the next one.
    transport = createTransport({ connections: 1, keepAliveMs: 5000 });
  });

  afterAll(async () => {
    await transport.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("sends the body and headers as given, and reads status, content type and text", async () => {
    const answer = await transport.post(`${base}/echo?x=1`, { "x-channel": "WEB", "content-type": "application/json" }, Buffer.from('{"query":"{ a }"}'), new AbortController().signal);
    expect(answer).toEqual({
      status: 200,
      contentType: "text/plain",
      body: Buffer.from('echo {"query":"{ a }"}'),
    });
    expect(seen.at(-1)?.headers["x-channel"]).toBe("WEB");
    expect((await transport.post(`${base}/teapot`, {}, Buffer.from("x"), new AbortController().signal)).status).toBe(418);
  });

  it("gives the answer's headers when asked, as undici's object: lower-case names, set-cookie as a list", async () => {
    const answer = await transport.post(`${base}/cookies`, {}, Buffer.from("{}"), new AbortController().signal);
    expect(answer.headers).toMatchObject({ "content-type": "text/plain", "x-unit": "echo", "set-cookie": ["a=1", "b=2"] });
  });

  it("keeps a body cut across chunks whole, a character split between two of them included", async () => {
    const answer = await transport.post(`${base}/chunked`, {}, Buffer.from("{}"), new AbortController().signal);
    expect(answer).toEqual({
      status: 200,
      contentType: "application/graphql-response+json; charset=utf-8",
      body: Buffer.from('{"data":{"name":"José"}}'),
    });
  });

  it("rejects when the caller aborts, and frees the connection for the next call", async () => {
    const controller = new AbortController();
    const hanging = transport.post(`${base}/hang`, {}, Buffer.from("{}"), controller.signal);
    setTimeout(() => controller.abort(new Error("timed out")), 50);
    await expect(hanging).rejects.toThrow("timed out");
    const next = await transport.post(`${base}/echo`, {}, Buffer.from("after"), AbortSignal.timeout(2000));
    expect(next.body.toString("utf8")).toBe("echo after");
  });

  it("rejects at once on a signal already aborted, sending nothing", async () => {
    const before = seen.length;
    await expect(transport.post(`${base}/echo`, {}, Buffer.from("never"), AbortSignal.abort(new Error("too late")))).rejects.toThrow("too late");
    expect(seen.length).toBe(before);
  });

  it("rejects when nothing listens at the address", async () => {
    await expect(transport.post("http://127.0.0.1:1/graphql", {}, Buffer.from("{}"), AbortSignal.timeout(2000))).rejects.toThrow();
  });
});
