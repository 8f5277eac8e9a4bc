import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../kit/config";
import { loadGatewayConfig } from "../config";
import { UnitHeaders } from "../http/unit-headers";
import { DEFAULT_HEADER_RULES, parseHeaderRules } from "./header-rules";

const rules = (json: unknown) => parseHeaderRules(JSON.stringify(json));
const refusal = (json: unknown): string => {
  try {
    rules(json);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(json)} to be refused`);
};
const answer = (entries: Array<[string, string]>) => {
  const headers = new Headers();
  for (const [name, value] of entries) headers.append(name, value);
  return headers;
};

describe("header rules: client headers to units", () => {
  const set = rules({
    toUnits: [
      { name: "Accept-Language" },
      { name: "x-tenant", units: ["billing"] },
      { name: "x-locale", as: "accept-language", units: ["care"] },
      { name: "x-market", default: "DE" },
      { matching: "^x-feature-", units: ["retail"] },
      { insert: "x-graph", value: "customer-graph" },
    ],
  });
  const client = set.read({ "accept-language": "de-DE", "x-tenant": "t1", "x-locale": "fr", "x-feature-a": "on", "x-feature-b": ["1", "2"], "x-other": "no", cookie: "s=1", authorization: "Bearer x", host: "gw" });

  it("keeps only the client headers some rule reads", () => {
    expect(client).toEqual({ "accept-language": "de-DE", "x-tenant": "t1", "x-locale": "fr", "x-feature-a": "on", "x-feature-b": "1, 2" });
  });

  it("sends each unit what its rules give it: by name, renamed, with a default, by pattern, static", () => {
    expect(set.toUnit("billing", client)).toEqual({ "accept-language": "de-DE", "x-graph": "customer-graph", "x-market": "DE", "x-tenant": "t1" });
    expect(set.toUnit("retail", client)).toEqual({ "accept-language": "de-DE", "x-feature-a": "on", "x-feature-b": "1, 2", "x-graph": "customer-graph", "x-market": "DE" });
    // The first rule that gives a header a value decides: the client's accept-language, before the renamed x-locale.
    expect(set.toUnit("care", client)).toEqual({ "accept-language": "de-DE", "x-graph": "customer-graph", "x-market": "DE" });
    expect(set.toUnit("care", set.read({ "x-locale": "fr", "x-market": "AT" }))).toEqual({ "accept-language": "fr", "x-graph": "customer-graph", "x-market": "AT" });
  });

  it("writes the headers in name order, so equal sets make equal sharing keys", () => {
    expect(Object.keys(set.toUnit("retail", client))).toEqual(["accept-language", "x-feature-a", "x-feature-b", "x-graph", "x-market"]);
  });

  it("never lets a pattern carry a credential, a hop-by-hop header or the gateway's own", () => {
    const everything = rules({ toUnits: [{ matching: "." }] });
    const sent = everything.toUnit(
      "retail",
      everything.read({
        authorization: "Bearer x",
        cookie: "s=1",
        connection: "close",
        host: "h",
        "content-length": "5",
        "x-request-id": "r",
        "x-channel": "WEB",
        "x-cg-identity": "forged",
        "x-cg-signature": "forged",
        traceparent: "00-x",
        "x-fine": "yes",
      }),
    );
    expect(sent).toEqual({ "x-fine": "yes" });
  });

  it("puts the headers it sends by name in Vary, and * when a pattern reads them", () => {
    expect(parseHeaderRules(DEFAULT_HEADER_RULES).varyNames()).toEqual(["accept-language"]);
    expect(set.varyNames()).toBe("*");
    expect(rules({ toUnits: [{ name: "x-a" }, { name: "x-b", as: "x-c" }, { insert: "x-d", value: "1" }] }).varyNames()).toEqual(["x-a", "x-b"]);
  });
});

describe("header rules: unit headers back to the client", () => {
  const set = rules({
    toClient: [{ name: "x-unit-version", units: ["retail"] }, { name: "server-timing", combine: "join" }, { name: "set-cookie", units: ["promotions"] }, { matching: "^x-ratelimit-" }, { matching: "cookie|cache|^x-" }],
  });

  it("lets back only what a rule allows, from the units it names", () => {
    const from = (unit: string) =>
      set.fromUnit(
        unit,
        answer([
          ["x-unit-version", "7"],
          ["server-timing", "db;dur=3"],
          ["x-ratelimit-left", "9"],
          ["x-secret", "s"],
          ["etag", '"e"'],
          ["set-cookie", "a=1"],
          ["set-cookie", "b=2"],
          ["cache-control", "public"],
          ["x-cg-identity", "i"],
        ]),
      );
    // The catch-all `^x-` lets x-secret through: the operator wrote it. It never lets cookies or the gateway's own headers.
    expect(from("retail")).toEqual([
      { name: "server-timing", values: ["db;dur=3"], combine: "join" },
      { name: "x-ratelimit-left", values: ["9"], combine: "first" },
      { name: "x-secret", values: ["s"], combine: "first" },
      { name: "x-unit-version", values: ["7"], combine: "first" },
    ]);
    // x-unit-version's own rule is for retail; from promotions the catch-all lets it through.
    expect(from("promotions").map((h) => h.name)).toEqual(["server-timing", "set-cookie", "x-ratelimit-left", "x-secret", "x-unit-version"]);
    expect(from("billing").map((h) => h.name)).toEqual(["server-timing", "x-ratelimit-left", "x-secret", "x-unit-version"]);
    expect(from("promotions").find((h) => h.name === "set-cookie")!.values).toEqual(["a=1", "b=2"]);
    expect(
      rules({ toClient: [{ matching: "." }] }).fromUnit(
        "retail",
        answer([
          ["set-cookie", "a=1"],
          ["x-a", "1"],
        ]),
      ),
    ).toEqual([{ name: "x-a", values: ["1"], combine: "first" }]);
  });

  it("lets nothing back by default", () => {
    expect(
      parseHeaderRules(DEFAULT_HEADER_RULES).fromUnit(
        "retail",
        answer([
          ["set-cookie", "a=1"],
          ["x-a", "1"],
        ]),
      ),
    ).toEqual([]);
    expect(parseHeaderRules(DEFAULT_HEADER_RULES).returnsHeaders).toBe(false);
  });

  it("settles several fetches' values in the order the fetches started: first, joined, every cookie once by name", () => {
    const kept = new UnitHeaders();
    const [first, second, third] = [kept.start(), kept.start(), kept.start()];
    // Answers arrive in the opposite order.
    kept.add(third, [
      { name: "x-unit-version", values: ["3"], combine: "first" },
      { name: "server-timing", values: ["c;dur=1, a;dur=2"], combine: "join" },
      { name: "set-cookie", values: ["theme=dark", "seen=3"], combine: "cookies" },
    ]);
    kept.add(second, [
      { name: "x-unit-version", values: ["2"], combine: "first" },
      { name: "set-cookie", values: ["seen=2; Path=/"], combine: "cookies" },
    ]);
    kept.add(first, [{ name: "server-timing", values: ["a;dur=2"], combine: "join" }]);
    expect(kept.merged()).toEqual(
      new Map([
        ["server-timing", ["a;dur=2, c;dur=1"]],
        ["x-unit-version", ["2"]],
        ["set-cookie", ["seen=2; Path=/", "theme=dark"]],
      ]),
    );
    expect(kept.setsCookie()).toBe(true);
  });
});

describe("header rules: checked at boot", () => {
  it.each([
    [{ toUnits: [{ name: "authorization" }] }, /toUnits\[0\] \{"name":"authorization"\}: authorization is never sent to a unit by a rule: a credential/],
    [{ toUnits: [{ name: "accept-language" }, { name: "Connection" }] }, /toUnits\[1\] .*connection is never sent .*hop-by-hop/],
    [{ toUnits: [{ name: "x-lang", as: "host" }] }, /host is never sent/],
    [{ toUnits: [{ insert: "x-cg-identity", value: "agent" }] }, /x-cg-identity is never sent .*signed identity/],
    [{ toUnits: [{ name: "cookie" }] }, /cookie is never sent/],
    [{ toUnits: [{ name: "x-request-id" }] }, /always sent: the gateway's request id/],
    [{ toUnits: [{ name: "x-a", matching: "x" }] }, /exactly one of "name", "matching" or "insert"/],
    [{ toUnits: [{ matching: "([" }] }, /"matching" is not a regular expression/],
    [{ toUnits: [{ matching: "^x-", as: "x-b" }] }, /"matching" passes headers on under their own names/],
    [{ toUnits: [{ insert: "x-a" }] }, /"insert" needs a "value"/],
    [{ toUnits: [{ insert: "x-a", value: "a\r\nx-cg-identity: forged" }] }, /"value" must be a header value/],
    [{ toUnits: [{ name: "x a" }] }, /"name" must be a header name/],
    [{ toUnits: [{ name: "x-a", rename: "x-b" }] }, /toUnits\[0\] .*unknown key "rename"/],
    [{ toUnits: [{ name: "x-a", units: [] }] }, /"units" must be a non-empty list/],
    [{ toClient: [{ name: "cache-control" }] }, /toClient\[0\] .*cache-control never comes back from a unit: the gateway works out/],
    [{ toClient: [{ name: "access-control-allow-origin" }] }, /CORS is the gateway's answer/],
    [{ toClient: [{ name: "set-cookie", combine: "join" }] }, /set-cookie is not combined/],
    [{ toClient: [{ name: "x-a", combine: "last" }] }, /"combine" is "first" .* or "join"/],
    [{ toUnit: [] }, /the rules: unknown key "toUnit"/],
    [{ toUnits: {} }, /"toUnits" must be a list of rules/],
  ])("refuses %j", (json, message) => {
    expect(refusal(json)).toMatch(message);
  });

  it("reads the rules from a file, and names the setting in the configuration error", () => {
    const dir = mkdtempSync(join(tmpdir(), "header-rules-"));
    try {
      const file = join(dir, "rules.json");
      writeFileSync(file, JSON.stringify({ toUnits: [{ name: "x-channel-id" }] }));
      expect(loadGatewayConfig({ GATEWAY_HEADER_RULES: file }).GATEWAY_HEADER_RULES.varyNames()).toEqual(["x-channel-id"]);
      expect(() => loadGatewayConfig({ GATEWAY_HEADER_RULES: join(dir, "missing.json") })).toThrow(/GATEWAY_HEADER_RULES: expected JSON rules or the path of a JSON file; no file at/);
      writeFileSync(file, "{ not json");
      expect(() => loadGatewayConfig({ GATEWAY_HEADER_RULES: file })).toThrow(ConfigError);
      expect(() => loadGatewayConfig({ GATEWAY_HEADER_RULES: file })).toThrow(/GATEWAY_HEADER_RULES: not JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the rules that name units the supergraph does not have", () => {
    expect(rules({ toUnits: [{ name: "x-a", units: ["retail", "retial"] }], toClient: [{ name: "x-b", units: ["Billing"] }] }).unknownUnits(["retail", "billing"])).toEqual(['toUnits[0] names "retial"']);
  });
});
