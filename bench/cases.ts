import { readFileSync } from "node:fs";
import { join } from "node:path";
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
/** Search texts that each match about a hundred demo customers (ids C0001xx..C0008xx). */
const SEARCH_TEXTS = ["C0001", "C0002", "C0003", "C0004", "C0005", "C0006", "C0007", "C0008"];
const PREFERENCES = ["quiet room", "high floor", "late check-out", "feather-free pillows"];

export const HOT_ID = "C000001";
/** Distinct agents of the many-callers case. */
export const CALLERS = 50;

export const CASES: Case[] = [
  { key: "a", label: "(a) 360° customer view, spread ids", body: (n) => ({ query: OPERATIONS.customer360, variables: { id: spreadId(n) } }) },
  { key: "b", label: "(b) trivial one-unit query, spread ids", body: (n) => ({ query: OPERATIONS.trivial, variables: { id: spreadId(n) } }) },
  { key: "c", label: "(c) list of 50 customers, every unit", body: (n) => ({ query: OPERATIONS.customersList, variables: { text: SEARCH_TEXTS[n % SEARCH_TEXTS.length], first: 50 } }) },
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
  return { key: `c${first}`, label: `(c) list of ${first}, ${LIST_CONNECTIONS} connections`, body: (n) => ({ query: OPERATIONS.customersList, variables: { text: first > 100 ? "C000" : SEARCH_TEXTS[n % SEARCH_TEXTS.length], first } }) };
}
