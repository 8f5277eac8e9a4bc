import { createHash, createHmac } from "node:crypto";
import { DEV_SIGNING_SECRET as S, IDENTITY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, bodyDigest, encodeIdentity, encodedIdentity, signature, signer, verifySigned } from "./identity";

const body = JSON.stringify({ query: '{ customer(id: "C000001") { name } }' });
const agent = encodeIdentity({ role: "agent", subject: "agent-7" });

function signed(identity = agent, at = 1_000_000, payload = body) {
  return { [IDENTITY_HEADER]: identity, [TIMESTAMP_HEADER]: String(at), [SIGNATURE_HEADER]: signature(S, identity, String(at), payload) };
}

describe("gateway-to-subgraph signatures", () => {
  it("accepts a fresh signature and reads the identity", () => {
    expect(verifySigned(S, signed(), body, 1_000_500, 30_000)).toEqual({ ok: true, identity: { role: "agent", subject: "agent-7" } });
    expect(verifySigned(S, signed("anonymous"), body, 1_000_500, 30_000)).toEqual({ ok: true, identity: null });
  });

  it("a signer signs with the very bytes of signature(), for any secret, identity, time and body", () => {
    const cases: [string, string, string, string][] = [
      [S, agent, "1000000", body],
      [S, "anonymous", "0", ""],
      ["a secret with ümlauts and 🔑", encodeIdentity({ role: "customer", subject: "C000042", customerId: "C000042" }), String(Date.now()), JSON.stringify({ query: "{ ä }", variables: { text: "日本語\u0000" } })],
    ];
    for (const [secret, identity, at, payload] of cases) {
      const sign = signer(secret);
      expect(sign(identity, at, payload)).toBe(signature(secret, identity, at, payload));
      // Twice with one signer: no state carried from one request to the next.
      expect(sign(identity, at, payload)).toBe(signature(secret, identity, at, payload));
      expect(verifySigned(secret, { [IDENTITY_HEADER]: identity, [TIMESTAMP_HEADER]: at, [SIGNATURE_HEADER]: sign(identity, at, payload) }, payload, Number(at), 30_000).ok).toBe(true);
      // The gateway signs the bytes it sends; a unit checks the text it read: the same signature.
      const bytes = Buffer.from(payload, "utf8");
      expect(sign(identity, at, bytes)).toBe(signature(secret, identity, at, payload));
      // Again: the bytes' digest, kept from the first signing, is the text's digest.
      expect(sign(identity, at, bytes)).toBe(signature(secret, identity, at, payload));
      expect(bodyDigest(bytes)).toBe(createHash("sha256").update(payload, "utf8").digest("hex"));
    }
    expect(signer("one")(agent, "1", body)).not.toBe(signature("two", agent, "1", body));
  });

  it("encodes an identity once per object, as encodeIdentity does", () => {
    const customer = { role: "customer" as const, subject: "C000042", customerId: "C000042" };
    expect(encodedIdentity(customer)).toBe(encodeIdentity(customer));
    expect(encodedIdentity(customer)).toBe(encodeIdentity(customer));
    expect(encodedIdentity({ role: "agent", subject: "agent-7" })).toBe(agent);
    expect(encodedIdentity(null)).toBe(encodeIdentity(null));
  });

  it.each([
    ["unsigned", {}, body, 1_000_500, /not signed/],
    ["replayed after the window", signed(), body, 1_000_000 + 30_001, /validity window/],
    ["a tampered body", signed(), body.replace("C000001", "C000002"), 1_000_500, /does not match/],
    ["a forged identity", { ...signed(), [IDENTITY_HEADER]: encodeIdentity({ role: "agent", subject: "me" }) }, body, 1_000_500, /does not match/],
    ["another secret", { ...signed(), [SIGNATURE_HEADER]: "00".repeat(32) }, body, 1_000_500, /does not match/],
  ])("refuses %s", (_name, headers, payload, now, reason) => {
    const verdict = verifySigned(S, headers as Record<string, string>, payload as string, now as number, 30_000);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(reason as RegExp);
  });

  it("signs the same bytes as the plain HMAC over identity, timestamp and the body's SHA-256 (units of another version verify them)", () => {
    for (const [secret, payload] of [
      [S, body],
      ["another secret", ""],
      ["", "ünïcode body"],
    ]) {
      const plain = createHmac("sha256", secret)
        .update(`${agent}\n1000000\n${createHash("sha256").update(payload).digest("hex")}`)
        .digest("hex");
      expect(signature(secret, agent, "1000000", payload)).toBe(plain);
    }
  });
});
