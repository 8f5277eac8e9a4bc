import { request } from "node:http";
import { type Identity, IDENTITY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, type UnitServer, encodeIdentity, signature } from "../../kit/subgraph";
import type { RunningServer } from "../../kit/http";
import { DEV_SIGNING_SECRET } from "../../kit/identity";
import { AnswerReader, BATCH_HEADER, BATCH_TYPE, type EntryAnswer, requestFrame } from "../../kit/unit-batch";
import { type EmbeddedBroker, startEmbeddedBroker } from "../../kit/events/embedded-broker";
import { eventually } from "../support/eventually";
import { requestTotal } from "../support/request-counts";
import { tempSiloDir } from "../support/silo";
import { type PromotionsContext, unit } from "../../subgraphs/promotions/unit";

/**
 * A unit answering the gateway's batches (kit/unit-batch.ts,
 * kit/batch-server.ts): each entry of a batch gets exactly the answer the
 * same request gets alone (status, headers, body bytes), whatever the other
 * entries are, signed for another caller, badly signed, unparsable or too
 * large; and each entry is counted in the metrics as a request of its own.
 */
const AGENT: Identity = { role: "agent", subject: "agent-7" };
const TOM: Identity = { role: "customer", subject: "C000002", customerId: "C000002" };
const CONSENT = `mutation Consent($id: ID!) { setMarketingConsent(customerId: $id, email: true) { email } }`;

interface Entry {
  name: string;
  body: string;
  identity?: Identity | null;
  headers?: Record<string, string>;
  /** Signed for another body: the unit must refuse it as it refuses a tampered request. */
  tampered?: boolean;
}

const json = (value: unknown) => JSON.stringify(value);
const ENTRIES: Entry[] = [
  { name: "a root field", body: json({ query: `{ publicOffers { code title } }` }) },
  { name: "me, for a customer", body: json({ query: `query Me { me { id } }`, operationName: "Me" }), identity: TOM },
  { name: "an anonymous caller refused", body: json({ query: `{ publicOffers { code } }` }), identity: null },
  { name: "provenance, asked for", body: json({ query: `{ publicOffers { code } }` }), headers: { "x-provenance": "1" } },
  { name: "a mutation", body: json({ query: CONSENT, variables: { id: "C000001" } }), headers: { "x-channel": "WEB" } },
  { name: "through Apollo: an unknown field", body: json({ query: `{ publicOffers { nope } }` }) },
  { name: "a bad signature", body: json({ query: `{ publicOffers { code } }` }), tampered: true },
  { name: "unparsable", body: `{"query": ` },
  { name: "too large", body: json({ query: `{ publicOffers { code } }`, variables: { pad: "x".repeat(1_100_000) } }) },
];

function headersOf(e: Entry, n: number): Record<string, string> {
  const identityHeader = encodeIdentity(e.identity === undefined ? AGENT : e.identity);
  const timestamp = String(Date.now());
  return {
    "x-request-id": `batch-test-${n}`,
    [IDENTITY_HEADER]: identityHeader,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: signature(DEV_SIGNING_SECRET, identityHeader, timestamp, e.tampered ? `${e.body} ` : e.body),
    ...e.headers,
  };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function post(server: RunningServer, headers: Record<string, string>, body: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(server.url, { method: "POST", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** What an answer says, but the framing of its own HTTP message (date, length, connection, the batch advert). */
function comparable(a: Answer): Answer {
  const { date: _d, connection: _c, "keep-alive": _k, "content-length": _l, "transfer-encoding": _t, [BATCH_HEADER]: _b, ...headers } = a.headers;
  return { status: a.status, headers, body: a.body.replace(/"readAt":"[^"]+","answeredAt":"[^"]+"/g, `"readAt":"<t>","answeredAt":"<t>"`) };
}

describe("a unit answering the gateway's batches", () => {
  const silo = tempSiloDir();
  let broker: EmbeddedBroker;
  let served: UnitServer<PromotionsContext>;
  let server: RunningServer;

  beforeAll(async () => {
    broker = await startEmbeddedBroker(0);
    const config = unit.loadConfig({ PROMOTIONS_DB_URL: silo.url("promotions"), PROMOTIONS_BROKER_URL: broker.url, PROMOTIONS_LOG_LEVEL: "silent" });
    served = await unit.create(config, { graph: { read: async <T>(_q: string, variables: Record<string, unknown>) => ({ customer: { id: variables.id } }) as T } });
    server = await served.subgraph.listen(0);
  });
  afterAll(async () => {
    await server?.close(0);
    await served?.db.destroy();
    await broker?.close();
    silo.cleanup();
  });

  it("says on its answers that it takes batches", async () => {
    const alone = await post(server, { "content-type": "application/json", ...headersOf(ENTRIES[0], 0) }, ENTRIES[0].body);
    expect(alone.headers[BATCH_HEADER]).toBe("1");
  });

  it("answers each entry exactly as the same request alone, and counts each as a request", async () => {
    const alone: Answer[] = [];
    for (const [n, e] of ENTRIES.entries()) alone.push(await post(server, { "content-type": "application/json", ...headersOf(e, n) }, e.body));
    // Not vacuous: the entries meet every outcome.
    expect(alone.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 400, 401, 400, 413]);
    expect(alone[2].body).toMatch(/UNAUTHENTICATED/);
    expect(alone[3].body).toMatch(/"provenance":\{"unit":"promotions"/);

    const before = await requestTotal(server.url);
    const batch = await post(server, { "content-type": BATCH_TYPE }, Buffer.concat(ENTRIES.map((e, n) => requestFrame(headersOf(e, n), Buffer.from(e.body)))));
    expect(batch.status).toBe(200);
    expect(batch.headers["content-type"]).toBe(BATCH_TYPE);
    const answers: EntryAnswer[] = [];
    const reader = new AnswerReader((a) => answers.push(a));
    reader.push(Buffer.from(batch.body));
    reader.end();
    expect(answers.map((a) => a.entry).sort((a, b) => a - b)).toEqual(ENTRIES.map((_, n) => n));
    const inBatch = ENTRIES.map((_, n) => answers.find((a) => a.entry === n)!).map((a) => comparable({ status: a.status, headers: a.headers, body: a.body.toString("utf8") }));
    // A 413 closes the connection of a request alone; in a batch the entry says so and the batch goes on.
    expect(inBatch).toEqual(alone.map(comparable));
    await eventually(
      "each entry counted",
      () => requestTotal(server.url),
      (n) => n - before === ENTRIES.length,
    );
  });

  it("refuses a batch whose frames do not add up as a whole, with a 400 (the gateway then sends each alone)", async () => {
    const frames = requestFrame(headersOf(ENTRIES[0], 0), Buffer.from(ENTRIES[0].body));
    const answer = await post(server, { "content-type": BATCH_TYPE }, frames.subarray(0, -2));
    expect(answer.status).toBe(400);
    expect(answer.headers["content-type"]).not.toBe(BATCH_TYPE);
    expect(answer.body).toMatch(/malformed batch/);
  });
});
