import type { Channel } from "../channel";

/**
 * A unit's domain event, as it travels on the broker: a notice that a
 * customer's data changed in one unit, never the data itself (a subscriber
 * reads the fresh answer from the graph). The subject and this JSON shape are
 * a public contract (docs/events.md): the gateway or any other consumer may
 * listen on the broker directly, so change them only additively.
 */
export interface DomainEvent {
  /** Unique per unit and stable across re-deliveries: `<unit>-<outbox sequence>`. Consumers dedupe by it. */
  id: string;
  /** When the write happened, ISO-8601 UTC. */
  at: string;
  /** The unit that wrote, as in subgraphs/manifest.json (`promotions`). */
  unit: string;
  /** What happened, e.g. `offer-redeemed` (docs/events.md lists them). */
  kind: string;
  /** The enterprise customer id the change belongs to. */
  customerId: string;
  /** The channel the write came through. */
  channel: Channel | null;
  /** The unit's id of what was written (a redemption, an audit row), as in the timeline's `ref`. */
  ref: string | null;
}

/** What a write hands to its outbox; the id and unit are the outbox's to give. */
export type NewEvent = Omit<DomainEvent, "id" | "unit" | "at"> & { at: number };

export const SUBJECT_PREFIX = "customer-graph.events";

/** A NATS subject token: no dots, spaces or wildcards. Enterprise ids (`C000042`) and unit names qualify. */
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

export function isSubjectToken(value: string): boolean {
  return TOKEN.test(value);
}

/** `customer-graph.events.<unit>.<customerId>`. */
export function subjectOf(unit: string, customerId: string): string {
  if (!isSubjectToken(unit) || !isSubjectToken(customerId)) throw new Error(`cannot name a subject for unit ${JSON.stringify(unit)} and customer ${JSON.stringify(customerId)}`);
  return `${SUBJECT_PREFIX}.${unit}.${customerId}`;
}

/** Every unit's events about one customer. */
export function customerSubject(customerId: string): string {
  if (!isSubjectToken(customerId)) throw new Error(`not a customer id usable in a subject: ${JSON.stringify(customerId)}`);
  return `${SUBJECT_PREFIX}.*.${customerId}`;
}

/** Reads an event off the wire; null for anything that is not one (a consumer skips it). */
export function parseEvent(text: string): DomainEvent | null {
  try {
    const e = JSON.parse(text) as Partial<DomainEvent>;
    if (typeof e.id !== "string" || typeof e.at !== "string" || typeof e.unit !== "string" || typeof e.kind !== "string" || typeof e.customerId !== "string") return null;
    return { id: e.id, at: e.at, unit: e.unit, kind: e.kind, customerId: e.customerId, channel: e.channel ?? null, ref: e.ref ?? null };
  } catch {
    return null;
  }
}
