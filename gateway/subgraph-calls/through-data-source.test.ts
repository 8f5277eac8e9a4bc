import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLError } from "graphql";
import { CircuitBreaker } from "./breaker";
import { wrapDataSource } from "./chain";
import type { GatewayContext } from "../context";

/**
 * A team's own data source from its `@apollo/gateway` days, a
 * `RemoteGraphQLDataSource` subclass whose `willSendRequest` adds a header,
 * served through our chain (wrapDataSource): it still writes and sends each
 * request itself, while our timeouts, retries, breaker and error wording
 * apply around it. Against a loopback server that misbehaves on demand.
 */
class TeamDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    request.http?.headers.set("x-team", "ledger-team");
  }
}

type Behaviour = (req: IncomingMessage, res: ServerResponse, n: number) => void;
const ok: Behaviour = (_req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ data: { ok: true } }));
};
const status =
  (code: number): Behaviour =>
  (_req, res) => {
    res.writeHead(code, { "content-type": "text/plain" });
    res.end("upstream trouble");
  };
const drop: Behaviour = (req) => req.socket.destroy();

describe("a RemoteGraphQLDataSource subclass as the innermost step of our chain", () => {
  let server: Server;
  let url = "";
  let behaviour: Behaviour = ok;
  const seen: Array<{ headers: IncomingHttpHeaders; body: { query: string } }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        seen.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        behaviour(req, res, seen.length);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
    behaviour = ok;
  });

  const wrapped = (policy: Partial<{ timeoutMs: number; retries: number; breaker: CircuitBreaker }> = {}) =>
    wrapDataSource(new TeamDataSource({ url }), "ledger", {
      timeoutMs: policy.timeoutMs ?? 2000,
      retries: policy.retries ?? 2,
      retryBaseMs: 5,
      breaker: policy.breaker ?? new CircuitBreaker({ failures: 100, cooldownMs: 60_000 }),
      sharing: { batch: true, dedupe: true },
    });
  const call = (source: ReturnType<typeof wrapped>, query: string) => {
    const context: GatewayContext = { requestId: "req-7", identity: null, forward: { "x-channel": "STORE" }, wantProvenance: false, provenance: [], deadline: Date.now() + 5000, arrival: 0 };
    // The kind enum is not exported by @apollo/gateway; this is its value.
    return source.process({ kind: "incoming operation" as never, request: { query, variables: {} }, incomingRequestContext: { context } as never, context });
  };
  const failure = async (promise: Promise<unknown>): Promise<GraphQLError> => {
    try {
      await promise;
    } catch (err) {
      return err as GraphQLError;
    }
    throw new Error("expected the call to fail");
  };

  it("sends what its willSendRequest adds, with the request id and the client's forwarded headers", async () => {
    const response = await call(wrapped(), `query Q { ok }`);
    expect(response.data).toEqual({ ok: true });
    expect(seen).toHaveLength(1);
    expect(seen[0].headers).toMatchObject({ "x-team": "ledger-team", "x-request-id": "req-7", "x-channel": "STORE" });
    expect(seen[0].body.query).toBe(`query Q { ok }`);
  });

  it("is retried by our chain after a dropped connection and a 503, then answers", async () => {
    const plan = [drop, status(503), ok];
    behaviour = (req, res, n) => plan[n - 1](req, res, n);
    expect((await call(wrapped(), `{ ok }`)).data).toEqual({ ok: true });
    expect(seen).toHaveLength(3);
  });

  it("gets our wording: a 401 is the unit refusing, never an address or Apollo's own message", async () => {
    behaviour = status(401);
    const err = await failure(call(wrapped(), `{ ok }`));
    expect(seen).toHaveLength(1);
    expect(err.extensions).toEqual({ code: "UNIT_REFUSED", unit: "ledger" });
    expect(JSON.stringify({ message: err.message, extensions: err.extensions })).not.toMatch(/127\.0\.0\.1|Unauthorized/);
  });

  it("is timed out by our chain, although it cannot be aborted", async () => {
    behaviour = (req, res, n) => setTimeout(() => ok(req, res, n), 500);
    const err = await failure(call(wrapped({ timeoutMs: 100 }), `{ ok }`));
    expect(err.extensions).toEqual({ code: "TIMEOUT", unit: "ledger" });
  });

  it("is failed fast by our breaker once the unit has failed repeatedly", async () => {
    behaviour = status(503);
    const source = wrapped({ retries: 0, breaker: new CircuitBreaker({ failures: 2, cooldownMs: 60_000 }) });
    await failure(call(source, `{ ok }`));
    await failure(call(source, `{ ok }`));
    const err = await failure(call(source, `{ ok }`));
    expect(seen).toHaveLength(2);
    expect(err.extensions).toEqual({ code: "CIRCUIT_OPEN", unit: "ledger" });
  });
});
