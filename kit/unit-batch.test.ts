import { AnswerReader, type EntryAnswer, MOST_ENTRIES, MalformedBatch, answerFrame, readBatch, requestFrame } from "./unit-batch";

/**
 * The batch framing both ways: what the gateway writes the unit reads back
 * exactly (bodies byte for byte, whatever characters they hold), a bad
 * entry fails alone, a batch whose frames do not add up fails whole, and
 * answers are read however their bytes are cut into chunks.
 */
const signed = (n: number) => ({ "x-cg-identity": `id-${n}`, "x-cg-timestamp": "1700000000000", "x-cg-signature": "ab".repeat(32), "x-request-id": `r${n}` });
const BODIES = ['{"query":"{ a }","variables":{}}', '{"query":"{ b }","variables":{"name":"José 🏨 \\"quoted\\"\\n"}}', ""];

describe("batch frames", () => {
  it("reads back each entry's headers and exact body", () => {
    const bytes = Buffer.concat(BODIES.map((body, n) => requestFrame(signed(n), Buffer.from(body))));
    expect(readBatch(bytes, 1_000_000)).toEqual(BODIES.map((body, n) => ({ ok: true, entry: { headers: signed(n), body } })));
  });

  it("fails an entry whose head is not headers alone, with the 400 a malformed request gets", () => {
    const bad = `${Buffer.byteLength(BODIES[0])} ["not","headers"]\n${BODIES[0]}`;
    const read = readBatch(Buffer.concat([requestFrame(signed(0), Buffer.from(BODIES[0])), Buffer.from(bad), requestFrame(signed(2), Buffer.from(BODIES[1]))]), 1_000_000);
    expect(read.map((r) => (r.ok ? "ok" : r.status))).toEqual(["ok", 400, "ok"]);
    expect(read[2]).toEqual({ ok: true, entry: { headers: signed(2), body: BODIES[1] } });
  });

  it("fails an entry larger than a request may be alone, with the 413 it would get, and reads on", () => {
    const large = `{"query":"${"x".repeat(2000)}"}`;
    const read = readBatch(Buffer.concat([requestFrame(signed(0), Buffer.from(large)), requestFrame(signed(1), Buffer.from(BODIES[0]))]), 1000);
    expect(read[0]).toMatchObject({ ok: false, status: 413, code: "BODY_TOO_LARGE", headers: signed(0) });
    expect(read[1]).toEqual({ ok: true, entry: { headers: signed(1), body: BODIES[0] } });
  });

  it("refuses a batch cut short, or whose frames are no frames, as a whole", () => {
    const whole = Buffer.concat([requestFrame(signed(0), Buffer.from(BODIES[0])), requestFrame(signed(1), Buffer.from(BODIES[1]))]);
    expect(() => readBatch(whole.subarray(0, whole.length - 3), 1_000_000)).toThrow(MalformedBatch);
    expect(() => readBatch(Buffer.from(`12 {}`), 1_000_000)).toThrow(MalformedBatch);
    expect(() => readBatch(Buffer.from(`x1 {}\n{}`), 1_000_000)).toThrow(MalformedBatch);
    expect(() => readBatch(Buffer.from(`{"query":"{ a }"}`), 1_000_000)).toThrow(MalformedBatch);
    expect(readBatch(Buffer.alloc(0), 1_000_000)).toEqual([]);
    expect(() => readBatch(Buffer.concat(Array.from({ length: MOST_ENTRIES + 1 }, () => requestFrame(signed(0), Buffer.from(BODIES[0])))), 1_000_000)).toThrow(MalformedBatch);
    expect(readBatch(Buffer.concat(Array.from({ length: MOST_ENTRIES }, () => requestFrame(signed(0), Buffer.from(BODIES[0])))), 1_000_000)).toHaveLength(MOST_ENTRIES);
  });

  it("reads answers as their bytes arrive, however they are cut", () => {
    const answers: EntryAnswer[] = [
      { entry: 2, status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: Buffer.from('{"data":{"name":"José 🏨"}}\n') },
      { entry: 0, status: 401, headers: { "content-type": "application/json; charset=utf-8", "set-cookie": ["a=1", "b=2"] }, body: Buffer.from('{"errors":[]}') },
      { entry: 1, status: 200, headers: {}, body: Buffer.alloc(0) },
    ];
    const bytes = Buffer.concat(answers.map((a) => answerFrame(a.entry, a.status, a.headers, a.body)));
    for (const step of [1, 3, 7, bytes.length]) {
      const read: EntryAnswer[] = [];
      const reader = new AnswerReader((a) => read.push({ ...a, body: Buffer.from(a.body) }));
      for (let at = 0; at < bytes.length; at += step) reader.push(bytes.subarray(at, at + step));
      reader.end();
      expect(read).toEqual(answers);
    }
  });

  it("says so when the last answer is cut short", () => {
    const bytes = answerFrame(0, 200, {}, Buffer.from('{"data":{}}'));
    const read: EntryAnswer[] = [];
    const reader = new AnswerReader((a) => read.push(a));
    reader.push(bytes.subarray(0, bytes.length - 1));
    expect(() => reader.end()).toThrow(MalformedBatch);
    expect(read).toEqual([]);
  });
});
