import { GraphQLError, GraphQLScalarType } from "graphql";
import { Channel } from "../channel";
import { type BusinessUnit, TIMELINE_MAX, type TouchPoint } from "./graph";

/**
 * How a unit hands its touch points to the timeline: one value per
 * customer, the JSON text of the unit's touch points, rather than a list of
 * objects. Promotions only merges them, yet as a list every unit completed
 * each of its touch points' six fields through graphql-js, the gateway
 * parsed them into objects and wrote them out again into promotions'
 * representations, and promotions parsed them once more. On the bench's crowd
 * case (c) that was 543 touch points a request (3,258 fields), the gateway's
 * largest costs (reading answers 12%, writing representations 9%, GC 17%).
 * As one string per customer, the gateway reads and writes one value and
 * promotions parses it once. A list layout with the unit left out was
 * measured against objects: for 550 invoice-like touch points the gateway's
 * read and write of 50 customers took 262 µs as arrays, 407 µs as objects
 * without `unit`, 1,039 µs as the list of objects it was, and each string is
 * a quarter smaller than the objects' (1,325 against 1,743 bytes). Over the
 * real units, a page of 50 customers: every unit's touch points answer 72.5
 * KB instead of 97.6, and the gateway's share (reading those answers,
 * writing promotions' representations) took 0.6-0.7 ms instead of 1.2-2.3;
 * the units' CPU moved less than its noise (1-8%): the SQL behind the touch
 * points is most of it.
 *
 * The layout: a JSON array with one array per touch point, newest first,
 * `[at, channel, kind, summary, ref]`, each as `TouchPoint` has it (`channel`
 * null where the unit records none). The unit is the field's own
 * (`billingTouchPoints` holds billing's), so it is not written. E.g.
 * `[["2026-03-01T09:30:00.000Z","WEB","order","Order R-1001 placed: 2 items, 59.80 EUR","R-1001"]]`.
 */
export type PackedTouchPoint = [at: string, channel: Channel | null, kind: string, summary: string, ref: string];

const CHANNELS: ReadonlySet<unknown> = new Set(Object.values(Channel));

/** The JSON text of a unit's touch points (the layout above); throws, saying what is wrong, for anything but a list of at most TIMELINE_MAX touch points. */
export function packTouchPoints(value: unknown): string {
  if (!Array.isArray(value)) throw new GraphQLError(`TouchPoints serializes a list of touch points, not ${shown(value)}`);
  if (value.length > TIMELINE_MAX) throw new GraphQLError(`TouchPoints serializes at most ${TIMELINE_MAX} touch points (the timeline's bound), not ${value.length}`);
  const packed = new Array<PackedTouchPoint>(value.length);
  for (let i = 0; i < value.length; i++) {
    const point = value[i] as Partial<TouchPoint> | null;
    const why = objectFault(point);
    if (why) throw new GraphQLError(`TouchPoints serializes a list of touch points: item ${i} ${why}`);
    packed[i] = [point!.at!, point!.channel ?? null, point!.kind!, point!.summary!, point!.ref!];
  }
  return JSON.stringify(packed);
}

/**
 * A unit's touch points as the gateway handed them over in a representation:
 * the packed text (above), or the list of touch point objects that units
 * answered before it, so promotions reads both while the units roll over.
 * Each gets `unit`. Throws, saying what is wrong, for anything else.
 */
export function unpackTouchPoints(value: unknown, unit: BusinessUnit): TouchPoint[] {
  if (typeof value === "string") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Error("its touch points are not JSON");
    }
    if (!Array.isArray(parsed)) throw new Error(`its touch points are ${shown(parsed)}, not a list`);
    return parsed.map((entry: unknown, i) => {
      const why = Array.isArray(entry) ? (entry.length === 5 ? touchPointFault(...(entry as [unknown, unknown, unknown, unknown, unknown])) : `has ${entry.length} fields, not 5`) : `is ${shown(entry)}`;
      if (why) throw new Error(`its touch point ${i} ${why}`);
      const [at, channel, kind, summary, ref] = entry as PackedTouchPoint;
      return { at, unit, channel, kind, summary, ref };
    });
  }
  if (Array.isArray(value)) {
    return value.map((entry: unknown, i) => {
      const point = entry as Partial<TouchPoint> | null;
      const why = objectFault(point);
      if (why) throw new Error(`its touch point ${i} ${why}`);
      return { at: point!.at!, unit, channel: point!.channel ?? null, kind: point!.kind!, summary: point!.summary!, ref: point!.ref! };
    });
  }
  throw new Error(`its touch points are ${shown(value)}, neither their JSON text nor a list`);
}

/** Why this is not a touch point object, or undefined when it is. */
function objectFault(point: Partial<TouchPoint> | null): string | undefined {
  return point !== null && typeof point === "object" ? touchPointFault(point.at, point.channel ?? null, point.kind, point.summary, point.ref) : `is ${shown(point)}`;
}

/** Why these are not a touch point's fields, or undefined when they are. */
function touchPointFault(at: unknown, channel: unknown, kind: unknown, summary: unknown, ref: unknown): string | undefined {
  if (typeof at !== "string") return `has no string \`at\` (${shown(at)})`;
  if (channel !== null && !CHANNELS.has(channel)) return `has a \`channel\` that is no Channel (${shown(channel)})`;
  if (typeof kind !== "string") return `has no string \`kind\` (${shown(kind)})`;
  if (typeof summary !== "string") return `has no string \`summary\` (${shown(summary)})`;
  if (typeof ref !== "string") return `has no string \`ref\` (${shown(ref)})`;
  return undefined;
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === "object" ? "an object" : `the ${typeof value} ${String(value)}`;
}

function neverAnInput(): never {
  throw new GraphQLError("TouchPoints is only answered by units, never accepted as an input");
}

/**
 * The scalar of every unit's hidden `<unit>TouchPoints` field: a resolver
 * returns its touch points (a list of TouchPoint), `serialize` writes them
 * packed. Never an input: no argument or input field has this type.
 * `@inaccessible` as a type too, or the public schema would show it unused.
 */
export const TouchPointsScalar = new GraphQLScalarType<never, string>({
  name: "TouchPoints",
  description:
    'A unit\'s touch points for Customer.timeline, newest first, as one JSON text: an array of `[at, channel, kind, summary, ref]`, e.g. `[["2026-03-01T09:30:00.000Z","WEB","order","Order R-1001 placed","R-1001"]]`; the unit is the field\'s own. Internal: read by promotions only.',
  extensions: { directives: { inaccessible: {} } },
  serialize: packTouchPoints,
  parseValue: neverAnInput,
  parseLiteral: neverAnInput,
});
