import { ADJECTIVES, CATEGORIES, FIRST_NAMES, HOTELS, LAST_NAMES, OFFERS, PREFERENCES } from "./catalogue";
import { Random } from "./random";

/**
 * The demo company, generated from a seed: customers and what they did with
 * each unit. Each unit's seed takes only its slice and writes it in that
 * silo's own conventions; nothing here is read at run time.
 */
export type ChannelName = "WEB" | "MOBILE" | "STORE" | "CALL_CENTER" | "PARTNER";
export type TierName = "BRONZE" | "SILVER" | "GOLD" | "PLATINUM";
export type StayStatus = "CONFIRMED" | "CHECKED_IN" | "COMPLETED" | "CANCELLED" | "NO_SHOW";
export type InvoiceState = "OPEN" | "PAID" | "OVERDUE" | "VOID";

export interface DemoCustomer {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  since: number;
  consent: { email: boolean; sms: boolean; push: boolean; at: number; via: ChannelName };
}
export interface DemoStay {
  id: string;
  customerId: string;
  hotelCode: string;
  arrive: string;
  nights: number;
  status: StayStatus;
  channel: ChannelName;
  totalCents: number;
  bookedAt: number;
}
export interface DemoPreference {
  customerId: string;
  text: string;
  at: number;
  channel: ChannelName;
}
export interface DemoProduct {
  sku: string;
  name: string;
  category: string;
  priceCents: number;
}
export interface DemoMember {
  customerId: string;
  tier: TierName;
  points: number;
  joinedAt: number;
}
export interface DemoOrder {
  id: string;
  customerId: string;
  placedAt: number;
  channel: ChannelName;
  lines: { sku: string; quantity: number; unitCents: number }[];
}
export interface DemoInvoice {
  number: string;
  customerId: string;
  issuedAt: number;
  dueAt: number;
  status: InvoiceState;
  lines: { description: string; amountCents: number; bookingId?: string; orderId?: string; sku?: string }[];
}
export interface DemoRedemption {
  customerId: string;
  code: string;
  channel: ChannelName;
  at: number;
}
/** One contact on a care case: who spoke to whom, where, and what came of it. */
export interface DemoContact {
  at: number;
  timeZone: string;
  channel: ChannelName;
  inbound: boolean;
  kind: string;
  summary: string;
  outcome: string | null;
}
export interface DemoCase {
  customerId: string;
  topic: string;
  contacts: DemoContact[];
  resolution: { at: number; timeZone: string; text: string } | null;
}

export interface World {
  customers: DemoCustomer[];
  stays: DemoStay[];
  preferences: DemoPreference[];
  products: DemoProduct[];
  members: DemoMember[];
  orders: DemoOrder[];
  invoices: DemoInvoice[];
  redemptions: DemoRedemption[];
  /** Care cases, in the order of their case numbers. */
  cases: DemoCase[];
}

/** "Now" in the demo world, fixed so the same seed gives the same rows. */
export const WORLD_NOW = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
const START = Date.UTC(2023, 0, 1);
const CHANNELS: [ChannelName, number][] = [
  ["WEB", 35],
  ["MOBILE", 30],
  ["STORE", 15],
  ["CALL_CENTER", 12],
  ["PARTNER", 8],
];

/** The customers the README's examples use. */
export const NAMED = {
  returningGuest: "C000001", // Maria Schmidt: Gold member, five stays in Lisbon, "feather-free pillows"
  silverMember: "C000002", // Tom Becker: Silver member, no stays: member-only vouchers
  optedOut: "C000003", // Aisha Khan: not a member, withdrew e-mail consent
  firstTimeGuest: "C000004", // Jonas Weber: one upcoming booking, nothing else
} as const;

export function customerId(n: number): string {
  return `C${String(n).padStart(6, "0")}`;
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function generateWorld(seed = 42, customerCount = 1000): World {
  const rnd = new Random(seed);
  const channel = () => rnd.weighted(CHANNELS);
  const instant = (from: number, to: number) => from + Math.floor((rnd.next() * (to - from)) / 60000) * 60000;

  const products: DemoProduct[] = [];
  const categories = Object.keys(CATEGORIES);
  for (let i = 0; i < 200; i += 1) {
    const category = categories[i % categories.length];
    const spec = CATEGORIES[category];
    const cents = Math.round(rnd.int(spec.minCents, spec.maxCents) / 100) * 100 - 1;
    products.push({ sku: `SKU-${String(i + 1).padStart(4, "0")}`, name: `${rnd.pick(ADJECTIVES)} ${rnd.pick(spec.nouns)}`, category, priceCents: Math.max(cents, 99) });
  }

  const w: World = { customers: [], stays: [], preferences: [], products, members: [], orders: [], invoices: [], redemptions: [], cases: [] };
  let stayNo = 0;
  let orderNo = 0;
  let invoiceNo = 0;

  const addStay = (cid: string, hotel: (typeof HOTELS)[number], arriveMs: number, nights: number, status?: StayStatus) => {
    stayNo += 1;
    const past = arriveMs + nights * DAY < WORLD_NOW;
    const st =
      status ??
      (past
        ? rnd.weighted<StayStatus>([
            ["COMPLETED", 85],
            ["CANCELLED", 10],
            ["NO_SHOW", 5],
          ])
        : rnd.weighted<StayStatus>([
            ["CONFIRMED", 90],
            ["CANCELLED", 10],
          ]));
    const stay: DemoStay = {
      id: `BK${String(stayNo).padStart(7, "0")}`,
      customerId: cid,
      hotelCode: hotel.code,
      arrive: isoDate(arriveMs),
      nights,
      status: st,
      channel: channel(),
      totalCents: hotel.nightlyCents * nights,
      bookedAt: arriveMs - rnd.int(3, 120) * DAY + rnd.int(0, 86_000) * 1000,
    };
    w.stays.push(stay);
    if (st !== "CANCELLED") addInvoice(cid, stay.bookedAt + DAY, [{ description: `${hotel.name}, ${nights} night${nights > 1 ? "s" : ""} from ${stay.arrive}`, amountCents: stay.totalCents, bookingId: stay.id }]);
  };

  const addInvoice = (cid: string, issuedAt: number, lines: DemoInvoice["lines"]) => {
    invoiceNo += 1;
    const dueAt = issuedAt + 30 * DAY;
    const status: InvoiceState =
      dueAt > WORLD_NOW
        ? rnd.weighted<InvoiceState>([
            ["OPEN", 70],
            ["PAID", 30],
          ])
        : rnd.weighted<InvoiceState>([
            ["PAID", 94],
            ["OVERDUE", 4],
            ["VOID", 2],
          ]);
    w.invoices.push({ number: `INV-${String(invoiceNo).padStart(7, "0")}`, customerId: cid, issuedAt, dueAt, status, lines });
  };

  const addOrder = (cid: string, placedAt: number) => {
    orderNo += 1;
    const lines = Array.from({ length: rnd.int(1, 4) }, () => {
      const p = rnd.pick(products);
      return { sku: p.sku, quantity: rnd.int(1, 3), unitCents: p.priceCents };
    });
    const order: DemoOrder = { id: `ORD-${String(orderNo).padStart(7, "0")}`, customerId: cid, placedAt, channel: channel(), lines };
    w.orders.push(order);
    const byId = new Map(products.map((p) => [p.sku, p]));
    addInvoice(
      cid,
      placedAt,
      lines.map((l) => ({ description: `${byId.get(l.sku)?.name} × ${l.quantity}`, amountCents: l.unitCents * l.quantity, orderId: order.id, sku: l.sku })),
    );
  };

  for (let n = 1; n <= customerCount; n += 1) {
    const id = customerId(n);
    const first = rnd.pick(FIRST_NAMES);
    const last = rnd.pick(LAST_NAMES);
    const email = `${first}.${last}.${n}@example.com`
      .toLowerCase()
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "");
    const since = instant(START - 400 * DAY, START + 600 * DAY);
    w.customers.push({ id, name: `${first} ${last}`, email, phone: rnd.chance(0.8) ? `+49 30 ${rnd.int(1000000, 9999999)}` : null, since, consent: { email: rnd.chance(0.6), sms: rnd.chance(0.3), push: rnd.chance(0.4), at: since, via: channel() } });

    if (n <= 4) continue; // the named customers are written by hand below
    if (rnd.chance(0.45))
      w.members.push({
        customerId: id,
        tier: rnd.weighted<TierName>([
          ["BRONZE", 50],
          ["SILVER", 30],
          ["GOLD", 15],
          ["PLATINUM", 5],
        ]),
        points: rnd.int(0, 40_000),
        joinedAt: instant(since, WORLD_NOW - 30 * DAY),
      });
    const stays = rnd.weighted([
      [0, 25],
      [1, 20],
      [2, 15],
      [4, 15],
      [6, 15],
      [10, 10],
    ]);
    for (let s = 0; s < stays; s += 1) addStay(id, rnd.pick(HOTELS), instant(START, WORLD_NOW + 120 * DAY), rnd.int(1, 7));
    if (stays > 0 && rnd.chance(0.3)) w.preferences.push({ customerId: id, text: rnd.pick(PREFERENCES), at: instant(START, WORLD_NOW), channel: channel() });
    const orders = rnd.weighted([
      [0, 30],
      [1, 25],
      [3, 25],
      [6, 15],
      [10, 5],
    ]);
    for (let o = 0; o < orders; o += 1) addOrder(id, instant(START, WORLD_NOW));
  }

  // Redemptions of offers that were valid at the time.
  for (let r = 0; r < 5000; r += 1) {
    const c = w.customers[rnd.int(4, customerCount - 1)];
    const offer = rnd.pick(OFFERS.filter((o) => o.isPublic || !o.minTier));
    const from = Math.max(Date.parse(offer.validFrom), c.since);
    const to = Math.min(offer.validUntil ? Date.parse(offer.validUntil) : WORLD_NOW, WORLD_NOW);
    if (from >= to) continue;
    if (offer.singleUse && w.redemptions.some((x) => x.customerId === c.id && x.code === offer.code)) continue;
    if (offer.needsEmailConsent && !c.consent.email) continue;
    if (offer.minStays) continue;
    w.redemptions.push({ customerId: c.id, code: offer.code, channel: channel(), at: instant(from, to) });
  }

  addNamedCustomers(w, addStay, addOrder);
  addCareCases(w, seed);
  return w;
}

function addNamedCustomers(w: World, addStay: (cid: string, hotel: (typeof HOTELS)[number], arriveMs: number, nights: number, status?: StayStatus) => void, addOrder: (cid: string, placedAt: number) => void): void {
  const set = (id: string, name: string, email: string, consentEmail: boolean) => {
    const c = w.customers.find((x) => x.id === id)!;
    Object.assign(c, { name, email, phone: "+49 30 5550100" });
    c.consent = { ...c.consent, email: consentEmail, sms: false, push: consentEmail, at: Date.UTC(2025, 5, 1, 9), via: "WEB" };
  };
  const lisbon = HOTELS[0];
  set(NAMED.returningGuest, "Maria Schmidt", "maria.schmidt@example.com", true);
  w.members.push({ customerId: NAMED.returningGuest, tier: "GOLD", points: 18_450, joinedAt: Date.UTC(2023, 2, 14, 10, 30) });
  [Date.UTC(2023, 4, 12), Date.UTC(2023, 9, 2), Date.UTC(2024, 3, 20), Date.UTC(2025, 1, 7), Date.UTC(2025, 8, 15)].forEach((at) => addStay(NAMED.returningGuest, lisbon, at, 3, "COMPLETED"));
  addStay(NAMED.returningGuest, lisbon, Date.UTC(2026, 11, 18), 4, "CONFIRMED");
  w.preferences.push({ customerId: NAMED.returningGuest, text: "feather-free pillows", at: Date.UTC(2023, 4, 12, 16, 5), channel: "STORE" });
  addOrder(NAMED.returningGuest, Date.UTC(2026, 9, 3, 14, 12));
  w.redemptions.push({ customerId: NAMED.returningGuest, code: "OUTDOOR15", channel: "STORE", at: Date.UTC(2026, 9, 3, 14, 10) });

  set(NAMED.silverMember, "Tom Becker", "tom.becker@example.com", true);
  w.members.push({ customerId: NAMED.silverMember, tier: "SILVER", points: 4_200, joinedAt: Date.UTC(2025, 0, 20, 12) });
  addOrder(NAMED.silverMember, Date.UTC(2026, 8, 21, 11, 45));

  set(NAMED.optedOut, "Aisha Khan", "aisha.khan@example.com", false);
  addOrder(NAMED.optedOut, Date.UTC(2026, 7, 2, 17, 20));

  set(NAMED.firstTimeGuest, "Jonas Weber", "jonas.weber@example.com", true);
  addStay(NAMED.firstTimeGuest, HOTELS[1], Date.UTC(2027, 0, 8), 2, "CONFIRMED");
}

const CARE_TOPICS = ["Invoice amount queried", "Late check-out refused", "Order arrived damaged", "Loyalty points missing", "Wi-Fi did not work", "Refund not received"];

/**
 * Care cases: the named customers' stories first, then a few more drawn from
 * a generator of their own, so adding them changed no other unit's rows.
 */
function addCareCases(w: World, seed: number): void {
  const lisbon = HOTELS[0].timeZone;
  const berlin = HOTELS[1].timeZone;
  const contact = (at: number, timeZone: string, channel: ChannelName, inbound: boolean, kind: string, summary: string, outcome: string | null = null): DemoContact => ({ at, timeZone, channel, inbound, kind, summary, outcome });
  w.cases.push({
    customerId: NAMED.silverMember,
    topic: "Charged twice for order",
    contacts: [
      contact(Date.UTC(2026, 8, 23, 8, 5), berlin, "CALL_CENTER", true, "query", "Card statement shows the September order twice"),
      contact(Date.UTC(2026, 8, 23, 8, 20), berlin, "CALL_CENTER", false, "proposal", "Duplicate authorisation only; it lapses within 5 days", "accepted, will check the statement"),
    ],
    resolution: { at: Date.UTC(2026, 8, 29, 10, 0), timeZone: berlin, text: "Authorisation lapsed; one charge remains" },
  });
  w.cases.push({
    customerId: NAMED.returningGuest,
    topic: "Noisy room at Harbour House Lisbon",
    contacts: [
      contact(Date.UTC(2025, 8, 16, 22, 40), lisbon, "STORE", true, "complaint", "Concierge desk: room 412 next to the lift, too noisy to sleep", "no free room tonight"),
      contact(Date.UTC(2025, 8, 17, 9, 15), lisbon, "CALL_CENTER", true, "complaint", "Phoned: still no sleep, wants the stay made good"),
      contact(Date.UTC(2025, 8, 17, 9, 30), berlin, "CALL_CENTER", false, "proposal", "Offered a 10% voucher on the next stay", "declined: wants a refund of one night"),
    ],
    resolution: null,
  });
  const rnd = new Random(seed ^ 0x0ca5e);
  for (let n = 0; n < 40; n += 1) {
    const c = w.customers[rnd.int(4, w.customers.length - 1)];
    const zone = rnd.pick(HOTELS).timeZone;
    const opened = Math.max(c.since, WORLD_NOW - rnd.int(2, 700) * DAY) + rnd.int(0, 86_000) * 1000;
    const channel = rnd.weighted<ChannelName>([
      ["CALL_CENTER", 50],
      ["WEB", 25],
      ["STORE", 15],
      ["MOBILE", 10],
    ]);
    const contacts = [contact(opened, zone, channel, true, rnd.pick(["query", "complaint"]), "Customer got in touch")];
    if (rnd.chance(0.6)) contacts.push(contact(opened + rnd.int(1, 48) * 3_600_000, zone, "CALL_CENTER", false, "callback", "Agent called back", rnd.pick(["explained", "no answer", "customer satisfied"])));
    const last = contacts[contacts.length - 1].at;
    const resolved = last + 2 * DAY < WORLD_NOW && rnd.chance(0.85);
    w.cases.push({ customerId: c.id, topic: rnd.pick(CARE_TOPICS), contacts, resolution: resolved ? { at: last + rnd.int(1, 20) * 3_600_000, timeZone: zone, text: "Explained and closed" } : null });
  }
}
