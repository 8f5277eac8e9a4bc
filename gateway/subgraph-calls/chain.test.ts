import type { GraphQLDataSource } from "@apollo/gateway";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLError } from "graphql";
import { verifySigned } from "../../kit/identity";
import { CircuitBreaker } from "./breaker";
import { unitDataSource } from "./chain";
import type { GatewayContext } from "../context";
import { type Transport, createTransport } from "./transport";

/**
 * The gateway's whole chain for one unit (chain.ts) against a loopback HTTP
 * server that counts the requests it receives and misbehaves on demand
 * (drops the connection, answers with a status, answers late).
 */
type Behaviour = (req: IncomingMessage, res: ServerResponse, n: number) => void;

const ok: Behaviour = (_req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ data: { ok: true } }));
};
const drop: Behaviour = (req) => req.socket.destroy();
const status =
  (code: number): Behaviour =>
  (_req, res) => {
    res.writeHead(code, { "content-type": "text/plain" });
    res.end("upstream trouble");
  };

const SECRET = "test-signing-secret";

describe("the chain of one subgraph call", () => {
  let server: Server;
  let url = "";
  let behaviour: Behaviour = ok;
  let received = 0;
  let lastSignature: ReturnType<typeof verifySigned> | undefined;
  let transport: Transport;

  beforeAll(async () => {
    server = createServer((req, res) => {
      received += 1;
      const n = received;
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        lastSignature = verifySigned(SECRET, req.headers, Buffer.concat(chunks).toString("utf8"), Date.now(), 5000);
        behaviour(req, res, n);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    transport = createTransport({ connections: 8, keepAliveMs: 5000 });
  });
  afterAll(async () => {
    await transport.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    received = 0;
    behaviour = ok;
    lastSignature = undefined;
  });

  const source = (policy: Partial<{ timeoutMs: number; retries: number; breaker: CircuitBreaker }> = {}) =>
    unitDataSource(
      "ledger",
      url,
      { timeoutMs: policy.timeoutMs ?? 2000, retries: policy.retries ?? 2, retryBaseMs: 5, breaker: policy.breaker ?? new CircuitBreaker({ failures: 100, cooldownMs: 60_000 }), sharing: { batch: true, dedupe: true } },
      transport,
      SECRET,
    );
  const call = (ds: GraphQLDataSource<GatewayContext>, query: string, deadlineInMs = 5000) => {
    const context: GatewayContext = { requestId: "test", identity: { role: "agent", subject: "a1" }, forward: {}, wantProvenance: false, provenance: [], deadline: Date.now() + deadlineInMs, arrival: 0 };
    // The kind enum is not exported by @apollo/gateway; this is its value.
    return ds.process({ kind: "incoming operation" as never, request: { query, variables: {} }, incomingRequestContext: { context } as never, context });
  };
  const failure = async (promise: Promise<unknown>): Promise<GraphQLError> => {
    try {
      await promise;
    } catch (err) {
      return err as GraphQLError;
    }
    throw new Error("expected the call to fail");
  };

  it("signs each request for the unit: the caller's identity over the exact body", async () => {
    await call(source(), `{ ok }`);
    expect(lastSignature).toEqual({ ok: true, identity: { role: "agent", subject: "a1" } });
  });

  it("never sends a mutation twice, even when the subgraph drops the connection", async () => {
    behaviour = drop;
    const err = await failure(call(source({ retries: 5 }), `mutation Redeem { redeem(code: "X") { ok } }`));
    expect(received).toBe(1);
    expect(err.extensions).toEqual({ code: "UNAVAILABLE", unit: "ledger" });
  });

  it("never retries a mutation answered with 503 either", async () => {
    behaviour = status(503);
    await failure(call(source({ retries: 5 }), `mutation { redeem(code: "X") { ok } }`));
    expect(received).toBe(1);
  });

  it("retries a query after dropped connections and 502/503/504, then answers", async () => {
    const plan = [drop, status(503), ok];
    behaviour = (req, res, n) => plan[n - 1](req, res, n);
    const response = await call(source({ retries: 2 }), `query Q { ok }`);
    expect(response.data).toEqual({ ok: true });
    expect(received).toBe(3);
  });

  it("gives up after the configured retries, naming the unit and not its address", async () => {
    behaviour = status(502);
    const err = await failure(call(source({ retries: 2 }), `{ ok }`));
    expect(received).toBe(3);
    expect(err.message).toBe("the ledger unit is unavailable (HTTP 502)");
    expect(err.extensions).toEqual({ code: "UNAVAILABLE", unit: "ledger" });
    expect(JSON.stringify({ message: err.message, extensions: err.extensions })).not.toMatch(/127\.0\.0\.1|graphql/);
  });

  it("does not retry a 500 (the unit answered; sending it again will not help)", async () => {
    behaviour = status(500);
    await failure(call(source({ retries: 2 }), `{ ok }`));
    expect(received).toBe(1);
  });

  it.each([
    [400, /refused the gateway's request: it finds the request invalid/],
    [401, /does not accept the gateway's signature/],
    [404, /serves no GraphQL at the address the gateway calls/],
    [429, /is limiting the gateway's requests/],
  ])("reports a %i as the unit refusing the request, not as it being unavailable, and does not retry it", async (code, words) => {
    behaviour = status(code);
    const err = await failure(call(source({ retries: 2 }), `{ ok }`));
    expect(received).toBe(1);
    expect(err.extensions).toEqual({ code: "UNIT_REFUSED", unit: "ledger" });
    expect(err.message).toMatch(words);
    expect(err.message).toContain(`(HTTP ${code})`);
  });

  it("does not count a 4xx against the breaker: the unit is up and answering", async () => {
    behaviour = status(401);
    const breaker = new CircuitBreaker({ failures: 2, cooldownMs: 60_000 });
    const ds = source({ breaker });
    for (let i = 0; i < 3; i += 1) await failure(call(ds, `{ ok }`));
    expect(breaker.state).toBe("closed");
    expect(received).toBe(3);
  });

  it("counts a call and its retries once against the breaker", async () => {
    behaviour = status(503);
    const breaker = new CircuitBreaker({ failures: 2, cooldownMs: 60_000 });
    const ds = source({ retries: 2, breaker });
    await failure(call(ds, `{ ok }`));
    expect(received).toBe(3);
    // Three failed attempts, one failed call: below the threshold of two.
    expect(breaker.state).toBe("closed");
    await failure(call(ds, `{ ok }`));
    expect(breaker.state).toBe("open");
  });

  it("times a slow answer out after the unit's timeout, without retrying", async () => {
    behaviour = (req, res, n) => setTimeout(() => ok(req, res, n), 400);
    const began = Date.now();
    const err = await failure(call(source({ timeoutMs: 100 }), `{ ok }`));
    expect(Date.now() - began).toBeLessThan(350);
    expect(err.extensions).toEqual({ code: "TIMEOUT", unit: "ledger" });
    expect(err.message).toBe("the ledger unit did not answer within 100 ms");
    expect(received).toBe(1);
  });

  it("gives a fetch only what is left of the request's deadline", async () => {
    behaviour = (req, res, n) => setTimeout(() => ok(req, res, n), 400);
    const began = Date.now();
    const err = await failure(call(source({ timeoutMs: 2000 }), `{ ok }`, 120));
    expect(Date.now() - began).toBeLessThan(350);
    expect(err.extensions).toEqual({ code: "TIMEOUT", unit: "ledger" });
    expect(err.message).toMatch(/before the request's deadline/);
  });

  it("fails fast with CIRCUIT_OPEN, naming the unit, without calling it once its breaker is open", async () => {
    behaviour = drop;
    const ds = source({ retries: 0, breaker: new CircuitBreaker({ failures: 2, cooldownMs: 60_000 }) });
    expect((await failure(call(ds, `{ ok }`))).extensions).toEqual({ code: "UNAVAILABLE", unit: "ledger" });
    await failure(call(ds, `{ ok }`));
    behaviour = ok;
    const err = await failure(call(ds, `{ ok }`));
    expect(received).toBe(2);
    expect(err.extensions).toEqual({ code: "CIRCUIT_OPEN", unit: "ledger" });
    expect(err.message).toMatch(/^the ledger unit is not being called: .*circuit breaker is open/);
  });
});
