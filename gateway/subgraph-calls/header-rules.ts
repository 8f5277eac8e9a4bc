import { existsSync, readFileSync } from "node:fs";
import type { FetcherHeaders } from "@apollo/utils.fetcher";
import { PROVENANCE_HEADER } from "../execution/provenance";

/**
 * Which client headers go to which units, and which unit response headers
 * come back to the client (GATEWAY_HEADER_RULES). Declared once, validated
 * at boot with an error naming the bad rule, then only looked up:
 *
 * ```json
 * { "toUnits":  [ { "name": "accept-language" },
 *                 { "name": "x-tenant", "units": ["billing"] },
 *                 { "name": "x-locale", "as": "accept-language", "units": ["care"] },
 *                 { "name": "x-market", "default": "DE" },
 *                 { "matching": "^x-feature-", "units": ["retail"] },
 *                 { "insert": "x-graph", "value": "customer-graph" } ],
 *   "toClient": [ { "name": "x-unit-version", "combine": "join" },
 *                 { "name": "set-cookie", "units": ["promotions"] } ] }
 * ```
 *
 * A rule without `units` applies to every unit. For each header a unit is
 * sent, the first rule that gives it a value decides; for each header a unit
 * answers with, the first rule that names or matches it. Names are
 * case-insensitive, `matching` is a regular expression (case-insensitive).
 *
 * Some headers no rule moves (`NEVER_TO_UNITS`, `NEVER_TO_CLIENT`): a rule
 * that names one is refused at boot, a `matching` rule skips it. And a unit's
 * `set-cookie` comes back only through a rule that names it: `matching`
 * never lets a cookie through.
 */

/** Request headers that never go to a unit through a rule, and why (said in the error a rule naming one gets). */
export const NEVER_TO_UNITS: ReadonlyMap<string, string> = new Map([
  ...hopByHop().map((name): [string, string] => [name, "a hop-by-hop header, about one connection only"]),
  ["host", "the unit's own address is the gateway's to write"],
  ["content-length", "the gateway writes the body the unit gets"],
  ["content-type", "the gateway writes the body the unit gets"],
  ["content-encoding", "the gateway writes the body the unit gets"],
  ["accept", "the gateway asks units for JSON, whatever the client accepts"],
  ["accept-encoding", "the gateway's connection pool decides the encoding"],
  ["expect", "the gateway writes the body the unit gets"],
  ["authorization", "a credential: a unit gets the verified identity, signed by the gateway, and the bearer token only inside that signed request"],
  ["proxy-authorization", "a credential for a proxy, not for a unit"],
  ["cookie", "a credential the gateway does not verify; units trust only the signed identity"],
  ["x-request-id", "always sent: the gateway's request id (the client's own when it sent a valid one)"],
  ["x-channel", "always sent: the channel, checked at admission"],
  ["traceparent", "always sent: the trace context of the gateway's fetch span"],
  ["tracestate", "always sent: the trace context of the gateway's fetch span"],
  [PROVENANCE_HEADER, "the gateway's own question to a unit (GATEWAY_PROVENANCE)"],
]);

/** Response headers that never come back from a unit, and why. */
export const NEVER_TO_CLIENT: ReadonlyMap<string, string> = new Map([
  ...hopByHop().map((name): [string, string] => [name, "a hop-by-hop header, about one connection only"]),
  ["content-length", "the gateway writes the body the client gets"],
  ["content-type", "the gateway writes the body the client gets"],
  ["content-encoding", "the gateway writes the body the client gets"],
  ["cache-control", "the gateway works out the answer's cache policy from every unit's hints"],
  ["etag", "the gateway works out the answer's cache policy from every unit's hints"],
  ["vary", "the gateway works out the answer's cache policy from every unit's hints"],
  ["expires", "the gateway works out the answer's cache policy from every unit's hints"],
  ["age", "the gateway works out the answer's cache policy from every unit's hints"],
  ["last-modified", "the gateway works out the answer's cache policy from every unit's hints"],
  ["pragma", "the gateway works out the answer's cache policy from every unit's hints"],
  ["date", "the gateway's own response header"],
  ["x-request-id", "the gateway's own response header"],
  ["www-authenticate", "the gateway authenticates clients, not the units"],
  [PROVENANCE_HEADER, "the gateway's own exchange with a unit"],
]);

/** The gateway's signed-identity headers (kit/identity.ts) and anything else under its prefix. */
const INTERNAL = /^x-cg-/;
/** CORS is the gateway's own answer (http/cors.ts). */
const CORS = /^access-control-/;

/** A header name as HTTP allows it (RFC 9110 token), lower-case. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
/** A header value that cannot split a header or a request: visible characters, spaces and tabs. */
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

type Combine = "first" | "join";

interface ToUnit {
  /** Where a rule came from, for messages: `toUnits[2]`. */
  at: string;
  units: ReadonlySet<string> | null;
  /** The client header read (absent for `insert`). */
  name?: string;
  matching?: RegExp;
  /** The header the unit gets (for `name` and `insert`; `matching` keeps the client's name). */
  as?: string;
  /** Sent when the client sent none (`default`), or always (`insert`). */
  value?: string;
}

interface ToClient {
  at: string;
  units: ReadonlySet<string> | null;
  name?: string;
  matching?: RegExp;
  combine: Combine;
}

/** A header a unit answered with that a rule lets back, and how several fetches' values combine. */
export interface KeptHeader {
  name: string;
  values: string[];
  combine: Combine | "cookies";
}

export class HeaderRules {
  private readonly toUnitsByUnit = new Map<string, ToUnit[]>();
  private readonly toClientByUnit = new Map<string, ToClient[]>();

  constructor(
    private readonly toUnits: readonly ToUnit[],
    private readonly toClient: readonly ToClient[],
  ) {}

  /** Whether any rule lets a unit's header back (else no client request gathers any). */
  get returnsHeaders(): boolean {
    return this.toClient.length > 0;
  }

  /** Whether a rule lets some header of this unit's back (else its answers' headers are not even kept). */
  returnsHeadersFrom(unit: string): boolean {
    return this.rulesToClient(unit).length > 0;
  }

  /**
   * The client headers any rule reads, by lower-case name, taken once per
   * client request (the context keeps them; nothing else of the request's
   * headers is kept). A header sent twice is read as HTTP joins it.
   */
  read(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, raw] of Object.entries(headers)) {
      if (raw === undefined || !this.reads(name)) continue;
      out[name] = Array.isArray(raw) ? raw.join(", ") : raw;
    }
    return out;
  }

  /** The headers a unit is sent for a client request, from what `read` kept; sorted by name, so equal sets write equal keys. */
  toUnit(unit: string, client: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const rule of this.rulesToUnit(unit)) {
      if (rule.matching) {
        for (const [name, value] of Object.entries(client)) if (rule.matching.test(name) && !neverToUnits(name) && !(name in out)) out[name] = value;
        continue;
      }
      const target = rule.as!;
      if (target in out) continue;
      const value = rule.name !== undefined ? (client[rule.name] ?? rule.value) : rule.value;
      if (value !== undefined) out[target] = value;
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** What of a unit's response headers may go back to the client, with how each combines with other fetches'. */
  fromUnit(unit: string, headers: FetcherHeaders): KeptHeader[] {
    const rules = this.rulesToClient(unit);
    if (rules.length === 0) return [];
    const kept = new Map<string, KeptHeader>();
    for (const [rawName, value] of headers) {
      const name = rawName.toLowerCase();
      const rule = rules.find((r) => (r.name !== undefined ? r.name === name : name !== "set-cookie" && !neverToClient(name) && r.matching!.test(name)));
      if (!rule) continue;
      const entry = kept.get(name) ?? { name, values: [], combine: name === "set-cookie" ? "cookies" : rule.combine };
      entry.values.push(value);
      kept.set(name, entry);
    }
    return [...kept.values()];
  }

  /**
   * The client headers that change what some unit answers: they belong in
   * `Vary`. `*` when a `matching` rule reads headers no list can name.
   */
  varyNames(): string[] | "*" {
    if (this.toUnits.some((r) => r.matching)) return "*";
    return [...new Set(this.toUnits.flatMap((r) => (r.name !== undefined ? [r.name] : [])))];
  }

  /** Rules naming a unit the served supergraph does not have (a typo, or a unit since removed): `toUnits[1] names "retial"`. */
  unknownUnits(served: readonly string[]): string[] {
    const known = new Set(served.map((u) => u.toLowerCase()));
    return [...this.toUnits, ...this.toClient].flatMap((r) => [...(r.units ?? [])].filter((u) => !known.has(u)).map((u) => `${r.at} names "${u}"`));
  }

  private reads(name: string): boolean {
    return this.toUnits.some((r) => r.name === name || (r.matching !== undefined && r.matching.test(name) && !neverToUnits(name)));
  }

  private rulesToUnit(unit: string): ToUnit[] {
    let rules = this.toUnitsByUnit.get(unit);
    if (!rules) {
      rules = this.toUnits.filter((r) => r.units === null || r.units.has(unit.toLowerCase()));
      this.toUnitsByUnit.set(unit, rules);
    }
    return rules;
  }

  private rulesToClient(unit: string): ToClient[] {
    let rules = this.toClientByUnit.get(unit);
    if (!rules) {
      rules = this.toClient.filter((r) => r.units === null || r.units.has(unit.toLowerCase()));
      this.toClientByUnit.set(unit, rules);
    }
    return rules;
  }
}

/** The default: each unit hears the client's language; nothing of a unit's headers comes back. */
export const DEFAULT_HEADER_RULES = `{"toUnits":[{"name":"accept-language"}],"toClient":[]}`;

/**
 * GATEWAY_HEADER_RULES: JSON (starting with `{`), or the path of a JSON
 * file. Throws one message naming the rule at fault and what is wrong with it.
 */
export function parseHeaderRules(setting: string): HeaderRules {
  const trimmed = setting.trim();
  let text = trimmed;
  if (!trimmed.startsWith("{")) {
    if (!existsSync(trimmed)) throw new Error(`expected JSON rules or the path of a JSON file; no file at "${trimmed}"`);
    text = readFileSync(trimmed, "utf8");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  if (!isObject(json)) throw new Error(`expected an object with "toUnits" and "toClient" lists`);
  unknownKeys(json, ["toUnits", "toClient"], "the rules");
  const list = (key: string): unknown[] => {
    const value = json[key] ?? [];
    if (!Array.isArray(value)) throw new Error(`"${key}" must be a list of rules`);
    return value;
  };
  const toUnits = list("toUnits").map((rule, i) => toUnitRule(rule, `toUnits[${i}]`));
  const toClient = list("toClient").map((rule, i) => toClientRule(rule, `toClient[${i}]`));
  return new HeaderRules(toUnits, toClient);
}

function toUnitRule(raw: unknown, at: string): ToUnit {
  const fail = failure(raw, at);
  if (!isObject(raw)) throw fail("expected an object");
  unknownKeys(raw, ["name", "as", "default", "matching", "insert", "value", "units"], at, raw);
  const kinds = ["name", "matching", "insert"].filter((k) => raw[k] !== undefined);
  if (kinds.length !== 1) throw fail(`expected exactly one of "name", "matching" or "insert"`);
  const units = unitsOf(raw, fail);
  if (raw.matching !== undefined) {
    if (raw.as !== undefined || raw.default !== undefined || raw.value !== undefined) throw fail(`"matching" passes headers on under their own names: "as", "default" and "value" go with "name" or "insert"`);
    return { at, units, matching: regexOf(raw.matching, fail) };
  }
  if (raw.insert !== undefined) {
    if (raw.as !== undefined || raw.default !== undefined) throw fail(`"insert" sends "value" under its own name: "as" and "default" go with "name"`);
    const name = propagatable(headerName(raw.insert, "insert", fail), fail);
    if (raw.value === undefined) throw fail(`"insert" needs a "value"`);
    return { at, units, as: name, value: headerValueOf(raw.value, "value", fail) };
  }
  if (raw.value !== undefined) throw fail(`"value" goes with "insert"; a value for when the client sends none is "default"`);
  const name = propagatable(headerName(raw.name, "name", fail), fail);
  const as = raw.as === undefined ? name : propagatable(headerName(raw.as, "as", fail), fail);
  return { at, units, name, as, value: raw.default === undefined ? undefined : headerValueOf(raw.default, "default", fail) };
}

function toClientRule(raw: unknown, at: string): ToClient {
  const fail = failure(raw, at);
  if (!isObject(raw)) throw fail("expected an object");
  unknownKeys(raw, ["name", "matching", "units", "combine"], at, raw);
  if ((raw.name === undefined) === (raw.matching === undefined)) throw fail(`expected exactly one of "name" or "matching"`);
  const units = unitsOf(raw, fail);
  if (raw.combine !== undefined && raw.combine !== "first" && raw.combine !== "join") throw fail(`"combine" is "first" (the first fetch's value) or "join" (every fetch's, comma-separated), got ${JSON.stringify(raw.combine)}`);
  const combine: Combine = raw.combine ?? "first";
  if (raw.matching !== undefined) return { at, units, matching: regexOf(raw.matching, fail), combine };
  const name = headerName(raw.name, "name", fail);
  const why = neverToClient(name);
  if (why) throw fail(`${name} never comes back from a unit: ${why}`);
  if (name === "set-cookie" && raw.combine !== undefined) throw fail(`set-cookie is not combined: every cookie comes back, the first fetch's where two set the same name`);
  return { at, units, name, combine };
}

function hopByHop(): string[] {
  return ["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade"];
}

/** Why a request header never goes to a unit, or undefined when a rule may send it. */
export function neverToUnits(name: string): string | undefined {
  if (INTERNAL.test(name)) return "the gateway's signed identity of the caller";
  return NEVER_TO_UNITS.get(name);
}

/** Why a unit's response header never comes back, or undefined when a rule may let it. */
export function neverToClient(name: string): string | undefined {
  if (INTERNAL.test(name)) return "the gateway's own exchange with a unit";
  if (CORS.test(name)) return "CORS is the gateway's answer (GATEWAY_CORS_ORIGINS)";
  return NEVER_TO_CLIENT.get(name);
}

type Fail = (problem: string) => Error;

function failure(raw: unknown, at: string): Fail {
  return (problem) => new Error(`${at} ${JSON.stringify(raw)}: ${problem}`);
}

function propagatable(name: string, fail: Fail): string {
  const why = neverToUnits(name);
  if (why) throw fail(`${name} is never sent to a unit by a rule: ${why}`);
  return name;
}

function headerName(raw: unknown, key: string, fail: Fail): string {
  if (typeof raw !== "string" || !TOKEN.test(raw.toLowerCase())) throw fail(`"${key}" must be a header name (letters, digits and !#$%&'*+-.^_\`|~), got ${JSON.stringify(raw)}`);
  return raw.toLowerCase();
}

function headerValueOf(raw: unknown, key: string, fail: Fail): string {
  if (typeof raw !== "string" || !VALUE.test(raw)) throw fail(`"${key}" must be a header value (a string without line breaks or control characters)`);
  return raw;
}

function regexOf(raw: unknown, fail: Fail): RegExp {
  if (typeof raw !== "string" || raw === "") throw fail(`"matching" must be a regular expression as a string`);
  try {
    return new RegExp(raw, "i");
  } catch (err) {
    throw fail(`"matching" is not a regular expression: ${(err as Error).message}`);
  }
}

function unitsOf(raw: Record<string, unknown>, fail: Fail): ReadonlySet<string> | null {
  if (raw.units === undefined) return null;
  if (!Array.isArray(raw.units) || raw.units.length === 0 || raw.units.some((u) => typeof u !== "string" || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(u))) {
    throw fail(`"units" must be a non-empty list of unit names as the supergraph names them (leave it out for every unit)`);
  }
  return new Set((raw.units as string[]).map((u) => u.toLowerCase()));
}

function unknownKeys(value: Record<string, unknown>, known: string[], at: string, rule?: unknown): void {
  const unknown = Object.keys(value).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`${at}${rule === undefined ? "" : ` ${JSON.stringify(rule)}`}: unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")} (known: ${known.join(", ")})`);
}

function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
