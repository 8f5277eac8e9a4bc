import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { BATCH_HEADER, BATCH_TYPE, type BatchEntry, answerFrame, readBatch } from "../../kit/unit-batch";
import type { GatewayContext } from "../context";
import { Unanswered } from "./batch";
import type { CallRequest } from "./call";
import { CallFailure } from "./failures";
import { type RawAnswer, type Transport, createTransport, overHttp } from "./transport";

/**
 * The batched transport alone (batch.ts), against a small unit that speaks
 * the format (kit/unit-batch.ts) and misbehaves on demand: when it batches,
 * what one fetch's abort does, what a dropped connection, a refusal, a 5xx
 * and a missing answer do to the fetches of a batch.
 */
interface Unit {
  server: Server;
  url: string;
  /** Says it takes batches. */
  takes: boolean;
  /** What the unit does with a batch, instead of answering it. */
  onBatch?: (res: ServerResponse, entries: BatchEntry[]) => boolean;
  /** Entries whose answer the unit holds until released. */
  held: Map<string, () => void>;
  /** Each HTTP message received: a single request's body, or a batch's entry bodies. */
  messages: (string | string[])[];
  /** Batches whose request closed before the unit answered them all. */
  abandoned: number;
}

async function startUnit(): Promise<Unit> {
  const unit: Unit = { server: undefined as unknown as Server, url: "", takes: true, held: new Map(), messages: [], abandoned: 0 };
  const answerOf = (body: string) => Buffer.from(JSON.stringify({ data: { echo: body } }));
  unit.server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (unit.takes) res.setHeader(BATCH_HEADER, "1");
      const bytes = Buffer.concat(chunks);
      if (req.headers["content-type"] !== BATCH_TYPE) {
        unit.messages.push(bytes.toString("utf8"));
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(answerOf(bytes.toString("utf8")));
      }
      const entries = readBatch(bytes, 1_000_000).map((read) => (read.ok ? read.entry : { headers: {}, body: "" }));
      unit.messages.push(entries.map((e) => e.body));
      if (unit.onBatch?.(res, entries)) return;
      res.writeHead(200, { "content-type": BATCH_TYPE });
      let left = entries.length;
      res.on("close", () => {
        if (left > 0) unit.abandoned += 1;
      });
      entries.forEach((entry, n) => {
        const answer = () => {
          if (res.destroyed || res.writableEnded) return;
          unit.held.delete(entry.body);
          left -= 1;
          const frame = answerFrame(n, 200, { "content-type": "application/json", "x-entry": entry.headers["x-request-id"] ?? "" }, answerOf(entry.body));
          if (left === 0) res.end(frame);
          else res.write(frame);
        };
        if (entry.body.startsWith("hold")) unit.held.set(entry.body, answer);
        else answer();
      });
    });
  });
  await new Promise<void>((resolve) => unit.server.listen(0, "127.0.0.1", resolve));
  unit.url = `http://127.0.0.1:${(unit.server.address() as AddressInfo).port}/graphql`;
  return unit;
}

const never = () => new AbortController().signal;
const echoed = (answer: RawAnswer) => (JSON.parse(answer.body.toString("utf8")) as { data: { echo: string } }).data.echo;

describe("the batched transport", () => {
  let unit: Unit;
  let transport: Transport;
  const send = (body: string, signal = never(), batchable = true) => transport.send(unit.url, { "x-request-id": body }, Buffer.from(body), signal, batchable);

  beforeEach(async () => {
    unit = await startUnit();
    transport = createTransport({ connections: 4, keepAliveMs: 5000, batch: { mostEntries: 3, mostBytes: 100_000, refusedForMs: 60_000 } });
  });
  afterEach(async () => {
    for (const release of unit.held.values()) release();
    await transport.close();
    unit.server.closeAllConnections();
    await new Promise((resolve) => unit.server.close(resolve));
  });

  /** The unit's first answer says it takes batches; until then, and for fetches not batchable, one request each. */
  const learn = async () => expect(echoed(await send("first"))).toBe("first");

  it("sends single requests until the unit says it takes batches, then one batch per tick, each fetch its own answer", async () => {
    await learn();
    const answers = await Promise.all(["a", "b", "c"].map((b) => send(b)));
    expect(answers.map(echoed)).toEqual(["a", "b", "c"]);
    expect(answers.map((a) => a.headers?.["x-entry"])).toEqual(["a", "b", "c"]);
    expect(unit.messages).toEqual(["first", ["a", "b", "c"]]);
  });

  it("never batches to a unit that does not say it takes batches, nor a fetch that may not be (a mutation), nor a lone fetch", async () => {
    unit.takes = false;
    await learn();
    await Promise.all(["a", "b"].map((b) => send(b)));
    unit.takes = true;
    await learn();
    await Promise.all(["m1", "m2"].map((b) => send(b, never(), false)));
    await send("lone");
    expect(unit.messages).toEqual(["first", "a", "b", "first", "m1", "m2", "lone"]);
  });

  it("keeps a batch within its limits: more fetches go in more batches", async () => {
    await learn();
    const answers = await Promise.all(["a", "b", "c", "d", "e", "f", "g"].map((b) => send(b)));
    expect(answers.map(echoed)).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    expect(unit.messages.slice(1)).toEqual([["a", "b", "c"], ["d", "e", "f"], "g"]);
  });

  it("rejects an aborted fetch alone, answers the others as they come, and drops the exchange once none waits", async () => {
    await learn();
    const abandoned = async (n: number) => {
      for (let i = 0; i < 100 && unit.abandoned < n; i += 1) await new Promise((r) => setTimeout(r, 10));
      return unit.abandoned;
    };
    const slow = new AbortController();
    const [held, quick] = [send("hold-1", slow.signal), send("quick")];
    expect(echoed(await quick)).toBe("quick");
    expect(unit.abandoned).toBe(0);
    slow.abort(new Error("its own timeout"));
    await expect(held).rejects.toThrow("its own timeout");
    // The one fetch it still carried gave up: the exchange goes.
    expect(await abandoned(1)).toBe(1);

    const both = [new AbortController(), new AbortController()];
    const pending = [send("hold-2", both[0].signal), send("hold-3", both[1].signal)];
    await new Promise((r) => setTimeout(r, 50));
    both[0].abort(new Error("first gave up"));
    await expect(pending[0]).rejects.toThrow("first gave up");
    await new Promise((r) => setTimeout(r, 50));
    // The other still waits: the exchange stays.
    expect(unit.abandoned).toBe(1);
    unit.held.get("hold-3")!();
    expect(echoed(await pending[1])).toBe("hold-3");
    expect(unit.messages.slice(1)).toEqual([
      ["hold-1", "quick"],
      ["hold-2", "hold-3"],
    ]);
  });

  it("fails every fetch still waiting when the connection drops, as a single request's would", async () => {
    await learn();
    unit.onBatch = (res) => {
      res.socket?.destroy();
      return true;
    };
    const results = await Promise.allSettled(["a", "b"].map((b) => send(b)));
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect((r as PromiseRejectedResult).reason).not.toBeInstanceOf(Unanswered);
    }
  });

  it("sends each fetch of a refused batch alone, and sends that unit no batch for a while", async () => {
    await learn();
    unit.onBatch = (res) => {
      res.writeHead(415, { "content-type": "application/json" });
      res.end('{"errors":[{"message":"unsupported"}]}');
      return true;
    };
    expect((await Promise.all(["a", "b"].map((b) => send(b)))).map(echoed)).toEqual(["a", "b"]);
    expect((await Promise.all(["c", "d"].map((b) => send(b)))).map(echoed)).toEqual(["c", "d"]);
    expect(unit.messages.slice(1)).toEqual([["a", "b"], "a", "b", "c", "d"]);
  });

  it("gives each fetch a 5xx the unit answered for the batch, as its own answer", async () => {
    await learn();
    unit.onBatch = (res) => {
      res.writeHead(503, { "content-type": "text/plain" });
      res.end("overloaded");
      return true;
    };
    const answers = await Promise.all(["a", "b"].map((b) => send(b)));
    expect(answers.map((a) => a.status)).toEqual([503, 503]);
    expect(unit.messages.slice(1)).toEqual([["a", "b"]]);
  });

  it("fails a fetch whose answer a complete batch answer lacks as unanswered (an unreadable answer), the others answered", async () => {
    await learn();
    unit.onBatch = (res, entries) => {
      res.writeHead(200, { "content-type": BATCH_TYPE });
      res.end(answerFrame(1, 200, { "content-type": "application/json" }, Buffer.from(JSON.stringify({ data: { echo: entries[1].body } }))));
      return true;
    };
    const [a, b] = await Promise.allSettled(["a", "b"].map((x) => send(x)));
    expect((a as PromiseRejectedResult).reason).toBeInstanceOf(Unanswered);
    expect(echoed((b as PromiseFulfilledResult<RawAnswer>).value)).toBe("b");
  });

  it("gives the chain above the failures a single request would: UNAVAILABLE for a dropped connection, for a missing answer, for a 5xx", async () => {
    await learn();
    const call = overHttp(transport, unit.url, "bookings");
    const fetch = (body: string) => call({ query: body, variables: {}, operation: "query", context: {} as GatewayContext, deadline: Infinity, headers: {}, body: Buffer.from(body), signal: never(), incoming: {} } as unknown as CallRequest);
    const failures = async () => (await Promise.allSettled(["a", "b"].map(fetch))).map((r) => (r.status === "rejected" && r.reason instanceof CallFailure ? `${r.reason.kind} ${String(r.reason.extensions.code)}` : r.status));
    unit.onBatch = (res) => {
      res.socket?.destroy();
      return true;
    };
    expect(await failures()).toEqual(["connection UNAVAILABLE", "connection UNAVAILABLE"]);
    unit.onBatch = (res) => {
      res.writeHead(200, { "content-type": BATCH_TYPE });
      res.end();
      return true;
    };
    expect(await failures()).toEqual(["response UNAVAILABLE", "response UNAVAILABLE"]);
    unit.onBatch = (res) => {
      res.writeHead(503, { "content-type": "text/plain" });
      res.end("overloaded");
      return true;
    };
    expect(await failures()).toEqual(["status UNAVAILABLE", "status UNAVAILABLE"]);
    unit.onBatch = undefined;
    expect(await failures()).toEqual(["fulfilled", "fulfilled"]);
    expect(unit.messages.slice(1).every((m) => Array.isArray(m) && m.length === 2)).toBe(true);
  });
});
