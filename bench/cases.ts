import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateWorld } from "../demo/world";
import { ROOT } from "../scripts/manifest";

/**
 * What the bench asks, as request bodies drawn per request: variables come
 * from a spread of real demo ids (C000005..C000900), not one id, unless the
 * case is the labelled hot key.
 */
export interface Body {
  query: string;
  variables: Record<string, unknown>;
  /** Sent with `x-channel` (writes need it). */
  write?: boolean;
  /** Sent with the token of this one of the bench's callers (modulo their number) instead of the one bench agent's. */
  caller?: number;
}

export interface Case {
  key: string;
  label: string;
  /** The n-th request's body (n counts from 0 per connection set). */
  body(n: number): Body;
}

const operation = (file: string) => readFileSync(join(ROOT, "bench", "operations", file), "utf8");
export const OPERATIONS = {
  customer360: operation("customer-360.graphql"),
  trivial: operation("trivial.graphql"),
  customersList: operation("customers-list.graphql"),
  setPreference: operation("set-preference.graphql"),
};

/** C000005..C000900, spread by a multiplicative step so neighbouring requests hit different customers. */
export function spreadId(n: number): string {
  return `C${String(5 + ((n * 7919) % 896)).padStart(6, "0")}`;
}

/**
 * Search texts for pages of `first` customers, one text per distinct page, so
 * that concurrent list requests ask for many different pages (about a hundred
 * for 50 rows) rather than a few a gateway could answer from one fetch each.
 * They are the pieces (2 to 4 characters) of the demo customers' e-mail names
 * that match at least `first` customers the way billing's search does (name,
 * e-mail or id, case-insensitive), and not most of them. Derived from the demo
 * world the units are seeded with, so they stay true if it changes.
 */
export function searchTexts(first: number): string[] {
  const known = textsByPageSize.get(first);
  if (known) return known;
  customers ??= generateWorld().customers.map((c) => ({ id: c.id, fields: [c.name, c.email, c.id].map((f) => f.toLowerCase()) }));
  const pieces = new Set<string>();
  for (const c of customers) {
    const local = c.fields[1].split("@")[0];
    for (let length = 2; length <= 4; length += 1) for (let at = 0; at + length <= local.length; at += 1) pieces.add(local.slice(at, at + length));
  }
  const pages = new Map<string, string>();
  for (const piece of [...pieces].sort()) {
    const matching = customers.filter((c) => c.fields.some((f) => f.includes(piece)));
    if (matching.length < first || matching.length > customers.length * 0.6) continue;
    const page = matching.slice(0, first).map((c) => c.id).join();
    if (!pages.has(page)) pages.set(page, piece);
  }
  const texts = [...pages.values()];
  if (texts.length === 0) throw new Error(`no search text matches ${first} demo customers`);
  textsByPageSize.set(first, texts);
  return texts;
}
const textsByPageSize = new Map<number, string[]>();
/** The demo customers as billing's search reads them, lower-cased; built once. */
let customers: { id: string; fields: string[] }[] | undefined;
/** The n-th request's search text: neighbouring requests get different pages. */
function searchText(first: number, n: number): string {
  const texts = searchTexts(first);
  return texts[(n * 7919) % texts.length];
}
const PREFERENCES = ["quiet room", "high floor", "late check-out", "feather-free pillows"];

export const HOT_ID = "C000001";
/** Distinct agents of the many-callers case. */
export const CALLERS = 50;

export const CASES: Case[] = [
  { key: "a", label: "(a) 360° customer view, spread ids", body: (n) => ({ query: OPERATIONS.customer360, variables: { id: spreadId(n) } }) },
  { key: "b", label: "(b) trivial one-unit query, spread ids", body: (n) => ({ query: OPERATIONS.trivial, variables: { id: spreadId(n) } }) },
  { key: "c", label: "(c) list of 50 customers, every unit, spread pages", body: (n) => ({ query: OPERATIONS.customersList, variables: { text: searchText(50, n), first: 50 } }) },
  {
    key: "d",
    label: "(d) 90% (a) + 10% setStayPreference",
    body: (n) =>
      n % 10 === 9
        ? { query: OPERATIONS.setPreference, variables: { id: spreadId(n), preference: PREFERENCES[n % PREFERENCES.length] }, write: true }
        : { query: OPERATIONS.customer360, variables: { id: spreadId(n) } },
  },
  { key: "hot", label: "hot key: (a) with one id", body: () => ({ query: OPERATIONS.customer360, variables: { id: HOT_ID } }) },
  {
    key: "a-callers",
    label: `(a) from ${CALLERS} callers, each with a token of its own (a gateway may merge fetches only within one caller)`,
    body: (n) => ({ query: OPERATIONS.customer360, variables: { id: spreadId(n) }, caller: n }),
  },
];

/** Connections of the list-size runs: few, so latency shows the work a page takes rather than the queue in front of it. */
export const LIST_CONNECTIONS = 4;

/** (c) at other page sizes, to show fetches per request stay constant and latency grows no worse than linearly. */
export function listCase(first: number): Case {
  return { key: `c${first}`, label: `(c) list of ${first}, ${LIST_CONNECTIONS} connections`, body: (n) => ({ query: OPERATIONS.customersList, variables: { text: searchText(first, n), first } }) };
}
