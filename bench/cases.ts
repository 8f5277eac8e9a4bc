import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CATEGORIES } from "../demo/catalogue";
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
  productPage: operation("product-page.graphql"),
  orderHistory: operation("order-history.graphql"),
  stays: operation("stays.graphql"),
  catalogue: operation("catalogue.graphql"),
  offers: operation("offers.graphql"),
  setConsent: operation("set-consent.graphql"),
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
    const page = matching
      .slice(0, first)
      .map((c) => c.id)
      .join();
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
/** Distinct agents of the crowd: each request of a crowd case carries the next one's token. */
export const CALLERS = 50;

/** SKU-0001..SKU-0040, spread like the customer ids. */
function spreadSku(n: number): string {
  return `SKU-${String(1 + ((n * 7919) % 40)).padStart(4, "0")}`;
}
const CATEGORY_NAMES = Object.keys(CATEGORIES);

/** The operations, each from any caller; `crowd` and `oneCaller` say whose token each request carries. */
const OPERATION_CASES: Case[] = [
  { key: "a", label: "(a) 360° customer view, spread ids", body: (n) => ({ query: OPERATIONS.customer360, variables: { id: spreadId(n) } }) },
  { key: "b", label: "(b) trivial one-unit query, spread ids", body: (n) => ({ query: OPERATIONS.trivial, variables: { id: spreadId(n) } }) },
  { key: "c", label: "(c) list of 50 customers, every unit, spread pages", body: (n) => ({ query: OPERATIONS.customersList, variables: { text: searchText(50, n), first: 50 } }) },
  {
    key: "d",
    label: "(d) 90% (a) + 10% setStayPreference",
    body: (n) => (n % 10 === 9 ? { query: OPERATIONS.setPreference, variables: { id: spreadId(n), preference: PREFERENCES[n % PREFERENCES.length] }, write: true } : { query: OPERATIONS.customer360, variables: { id: spreadId(n) } }),
  },
  { key: "e", label: "(e) product page priced for a customer (@requires path), spread SKUs and ids", body: (n) => ({ query: OPERATIONS.productPage, variables: { sku: spreadSku(n), customer: spreadId(n) } }) },
  { key: "f", label: "(f) order history: orders → lines → product → price, and invoices", body: (n) => ({ query: OPERATIONS.orderHistory, variables: { id: spreadId(n) } }) },
  { key: "g", label: "(g) stays: bookings → property, invoice → lines, preferences", body: (n) => ({ query: OPERATIONS.stays, variables: { id: spreadId(n) } }) },
  { key: "h", label: "(h) catalogue page of 20 with prices, spread categories", body: (n) => ({ query: OPERATIONS.catalogue, variables: { category: CATEGORY_NAMES[n % CATEGORY_NAMES.length], first: 20 } }) },
  { key: "i", label: "(i) offers, redemptions, consent and timeline", body: (n) => ({ query: OPERATIONS.offers, variables: { id: spreadId(n) } }) },
  {
    key: "j",
    label: "(j) 90% (i) + 10% setMarketingConsent",
    body: (n) => (n % 10 === 9 ? { query: OPERATIONS.setConsent, variables: { id: spreadId(n), sms: n % 20 === 9 }, write: true } : { query: OPERATIONS.offers, variables: { id: spreadId(n) } }),
  },
];

/** Each request from a different one of the bench's callers (a token each): what a gateway meets in production. */
export const CASES: Case[] = OPERATION_CASES.map((c) => ({ ...c, body: (n) => ({ ...c.body(n), caller: n }) }));

/** The same operations with every request carrying one agent's token: a gateway may merge fetches across them. */
export const ONE_CALLER_CASES: Case[] = [
  ...OPERATION_CASES.filter((c) => ["a", "b", "c", "d"].includes(c.key)).map((c) => ({ ...c, key: `${c.key}1`, label: `${c.label}, one caller` })),
  { key: "hot", label: "hot key: (a) with one id, one caller", body: () => ({ query: OPERATIONS.customer360, variables: { id: HOT_ID } }) },
];

/** Connections of the list-size runs: few, so latency shows the work a page takes rather than the queue in front of it. */
export const LIST_CONNECTIONS = 4;

/** (c) at other page sizes, to show fetches per request stay constant and latency grows no worse than linearly. */
export function listCase(first: number): Case {
  return { key: `list${first}`, label: `(c) list of ${first}, ${LIST_CONNECTIONS} connections`, body: (n) => ({ query: OPERATIONS.customersList, variables: { text: searchText(first, n), first } }) };
}
