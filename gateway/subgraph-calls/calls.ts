import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { GraphQLFormattedError } from "graphql";
import { bodyDigest, encodedIdentity } from "../../kit/identity";
import type { Call, CallRequest } from "./call";
import { type Coalesced, coalesce } from "./coalesce";
import type { GatewayContext } from "../context";

/**
 * How query fetches to one subgraph are shared, so that the same work is
 * not sent twice:
 *
 * - Batching: query fetches to the unit issued in the same tick by requests
 *   of the same caller go out as ONE request. Entity fetches (`_entities`)
 *   with the same selection and the same other variables become one
 *   `_entities` call whose representations are the union of theirs, each
 *   distinct representation once; identical fetches are sent once; the rest
 *   are merged with aliases (coalesce.ts). Every fetch gets back exactly what
 *   it would have got alone: its entities in its own order, its own error
 *   paths.
 * - While a caller already has `concurrency` batched requests in flight to
 *   the unit, its further fetches wait and go out together when one comes
 *   back: under load, batches grow instead of requests multiplying.
 * - In-flight de-duplication: a request whose body is identical to one
 *   already in flight for the same caller waits for that answer, but only
 *   if that request was sent after every client request it would serve had
 *   arrived. An answer is therefore never older than the request it serves:
 *   whatever a silo had committed when the client request arrived is in it
 *   (docs/architecture.md, rule 3: no stale reads).
 *
 * Never across callers (identity, channel, bearer token), nor between
 * fetches that send the unit different client headers (GATEWAY_HEADER_RULES:
 * a unit may answer `accept-language: de` otherwise than `fr`), never for
 * mutations. Each client request parses its own copy of an answer, so no
 * object is shared between two requests' results.
 */
export interface SharingOptions {
  batch: boolean;
  dedupe: boolean;
  /**
   * Most batched requests one caller has in flight to the unit; further
   * fetches wait for one of them to come back and then go out together
   * (0: no limit). A busy unit thus gets fewer, larger requests from a busy
   * caller, and no waiting at all when it is not busy.
   */
  concurrency?: number;
}

/** A query fetch of a client request: the only kind of call that is shared. */
export type Ask = CallRequest & { context: GatewayContext };

let clock = 0;
/** A point in the gateway's order of events: client request arrivals and subgraph sends. */
export function nextSequence(): number {
  clock += 1;
  return clock;
}

interface Member {
  ask: Ask;
  /** Per representation of this ask: its index in the request actually sent. */
  positions?: number[];
  resolve(response: GatewayGraphQLResponse): void;
  reject(err: unknown): void;
}

interface Group {
  /** Its key among the pending groups. */
  key: string;
  caller: string;
  query: string;
  operationName?: string;
  /** Variables other than representations (the same for every member). */
  variables: Record<string, unknown>;
  entities: boolean;
  members: Member[];
  /** Distinct representations in first-seen order, by their JSON. */
  representations: unknown[];
  seen: Map<string, number>;
  /** The JSON of each representation (written once: it is the key above, and goes on the wire as it is). */
  json: string[];
  /** Characters the representations take in a body. */
  chars: number;
}

/** Most fetches merged into one request: bounds the documents a unit must parse, and their variety. */
const MOST_MERGED = 32;
/** A merged body longer than this (characters, then bytes) is split again (units refuse bodies over 1 MB by default). */
const MOST_MERGED_LENGTH = 512 * 1024;

interface InFlight {
  sentAt: number;
  answer: Promise<GatewayGraphQLResponse>;
}

export class UnitCalls {
  private pending = new Map<string, Group>();
  private flushing = false;
  /** Requests in flight by caller, then by their body's digest (the bytes themselves are no key). */
  private readonly inFlight = new Map<string, Map<string, InFlight>>();
  private readonly callers = new WeakMap<GatewayContext, string>();
  /** Batched requests in flight, by caller. */
  private readonly busy = new Map<string, number>();

  constructor(
    private readonly options: SharingOptions,
    /** The rest of the chain (breaker, retries, timeouts, the transport), once per request actually sent. */
    private readonly exchange: Call,
  ) {}

  /** Answers one query fetch, sharing its request with others where the options allow. */
  submit(ask: Ask): Promise<GatewayGraphQLResponse> {
    return new Promise((resolve, reject) => {
      const member: Member = { ask, resolve, reject };
      const { representations, ...rest } = ask.variables;
      const entities = Array.isArray(representations);
      if (!this.options.batch) {
        const alone = this.groupOf("", this.callerOf(ask), ask, ask.variables, false);
        alone.members.push(member);
        this.send([alone]);
        return;
      }
      const caller = this.callerOf(ask);
      const key = `${caller}\n${ask.operationName ?? ""}\n${ask.query}\n${JSON.stringify(rest)}`;
      let group = this.pending.get(key);
      if (!group) {
        group = this.groupOf(key, caller, ask, rest, entities);
        this.pending.set(key, group);
      }
      if (entities) {
        member.positions = (representations as unknown[]).map((representation) => place(group, representation));
      }
      group.members.push(member);
      this.flushSoon();
    });
  }

  /** After this tick's I/O callbacks: fetches issued by answers that arrived together go out together. */
  private flushSoon(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.flush());
  }

  private hasRoom(caller: string): boolean {
    const limit = this.options.concurrency ?? 0;
    return limit <= 0 || (this.busy.get(caller) ?? 0) < limit;
  }

  private groupOf(key: string, caller: string, ask: Ask, variables: Record<string, unknown>, entities: boolean): Group {
    return { key, caller, query: ask.query, operationName: ask.operationName, variables, entities, members: [], representations: [], seen: new Map(), json: [], chars: 0 };
  }

  /** Sends what is pending, as few requests per caller as the limits allow; a caller without room keeps waiting. */
  private flush(): void {
    this.flushing = false;
    // The caller is the start of each key: sorted keys put a caller's groups together, in an order
    // that depends only on what was asked, so the same mix of fetches merges into the same document.
    const keys = [...this.pending.keys()].sort();
    let batch: Group[] = [];
    const out = () => {
      for (const group of batch) this.pending.delete(group.key);
      if (batch.length > 0) this.send(batch);
      batch = [];
    };
    for (const key of keys) {
      const group = this.pending.get(key)!;
      if (batch.length > 0 && (batch[0].caller !== group.caller || batch.length === MOST_MERGED)) out();
      if (batch.length === 0 && !this.hasRoom(group.caller)) continue;
      batch.push(group);
    }
    out();
  }

  private send(groups: Group[]): void {
    // Too long by the representations alone: split before writing anything.
    if (
      this.splitIfLonger(
        groups,
        groups.reduce((n, g) => n + g.chars + g.query.length, 0),
      )
    )
      return;
    const requests = groups.map((g) => ({ query: g.query, operationName: g.operationName, variables: g.entities ? { ...g.variables, representations: g.representations } : g.variables }));
    let merged: Coalesced;
    try {
      merged = requests.length === 1 ? { request: requests[0], split: (r) => [r] } : coalesce(requests);
    } catch {
      // A document coalesce.ts will not merge goes out on its own.
      for (const group of groups) this.send([group]);
      return;
    }
    const written = new Map<unknown, readonly string[]>(groups.filter((g) => g.entities).map((g) => [g.representations, g.json]));
    const body = bodyOf(merged.request, written);
    if (this.splitIfLonger(groups, body.length)) return;
    // The representations' JSON is in the body now. Kept in the groups, it would wait in V8's heap for
    // as long as the unit takes to answer: under the bench's list case (c) that JSON and the bodies were
    // about half of what the requests under way held there (docs/scaling.md).
    for (const group of groups) {
      group.json = [];
      group.seen.clear();
    }
    // Over every client request served (a request with several fetches here counts the same each time).
    let lastArrival = 0;
    let deadline = -Infinity;
    for (const g of groups)
      for (const m of g.members) {
        lastArrival = Math.max(lastArrival, m.ask.context.arrival);
        deadline = Math.max(deadline, m.ask.context.deadline);
      }
    const caller = groups[0].caller;
    // Without de-duplication a request is never looked up, so its body is not digested for it.
    const digest = this.options.dedupe ? bodyDigest(body) : undefined;
    const flight = digest === undefined ? undefined : this.inFlight.get(caller)?.get(digest);
    let answer: Promise<GatewayGraphQLResponse>;
    if (!flight || flight.sentAt < lastArrival) {
      const lead = groups[0].members[0].ask;
      for (const g of groups)
        for (const m of g.members) {
          m.ask.carried = m.ask !== lead;
          m.ask.merged = requests.length > 1;
        }
      // The lead's request id, identity, forwarded and trace headers go on the wire, with the latest
      // deadline among those served: one with little time left must not cut short the call for one
      // with more (each fetch still ends by its own deadline, timeout.ts).
      const { query, variables = {}, operationName } = merged.request;
      const outgoing: CallRequest = { ...lead, query, variables, operationName, document: query === lead.query ? lead.document : undefined, body, deadline };
      const sent: InFlight = { sentAt: nextSequence(), answer: this.exchange(outgoing) };
      this.busy.set(caller, (this.busy.get(caller) ?? 0) + 1);
      const done = () => {
        const left = (this.busy.get(caller) ?? 1) - 1;
        if (left > 0) this.busy.set(caller, left);
        else this.busy.delete(caller);
        if (this.pending.size > 0) this.flushSoon();
      };
      sent.answer.then(done, done);
      if (digest !== undefined) {
        let byDigest = this.inFlight.get(caller);
        if (!byDigest) this.inFlight.set(caller, (byDigest = new Map()));
        byDigest.set(digest, sent);
        const forget = () => {
          const bodies = this.inFlight.get(caller);
          if (bodies?.get(digest) !== sent) return;
          bodies.delete(digest);
          if (bodies.size === 0) this.inFlight.delete(caller);
        };
        sent.answer.then(forget, forget);
      }
      answer = sent.answer;
    } else {
      for (const g of groups) for (const m of g.members) m.ask.carried = true;
      // The sender's requests take the answer as it is; whoever joins gets a copy.
      answer = flight.answer.then((response) => ({ ...response, data: copy(response.data) as GatewayGraphQLResponse["data"] }));
    }
    answer.then(
      (response) => this.answer(groups, merged, response),
      (err: unknown) => {
        for (const g of groups) for (const m of g.members) m.reject(err);
      },
    );
  }

  /** A body of `length` over the limit goes out as two smaller batches, if there is anything to split. */
  private splitIfLonger(groups: Group[], length: number): boolean {
    if (length <= MOST_MERGED_LENGTH || (groups.length === 1 && groups[0].members.length === 1)) return false;
    for (const half of halves(groups)) this.send(half);
    return true;
  }

  /**
   * The answer was parsed once; the first client request to use a part of it
   * takes it as it is, any other gets its own copy, so no two requests'
   * results share an object (the executor merges into what it is given).
   */
  private answer(groups: Group[], merged: Coalesced, answer: GatewayGraphQLResponse): void {
    let parts: GatewayGraphQLResponse[];
    try {
      parts = merged.split(answer) as GatewayGraphQLResponse[];
      // The unit's response headers were for the whole request: each fetch it carried gets them (unit-headers.ts).
      if (answer.http) parts = parts.map((part) => ({ ...part, http: answer.http }));
    } catch (err) {
      for (const g of groups) for (const m of g.members) m.reject(err);
      return;
    }
    groups.forEach((group, i) => {
      const part = parts[i];
      if (group.entities) {
        const all = (part.data as { _entities?: unknown } | null | undefined)?._entities;
        if (Array.isArray(all) && all.length !== group.representations.length) {
          // As Apollo's executor would for a fetch of its own: a unit that loses entities is broken.
          for (const m of group.members) m.reject(new Error(`expected ${group.representations.length} entities in the answer, got ${all.length}`));
          return;
        }
        const owners: (GatewayContext | undefined)[] = [];
        const take = Array.isArray(all)
          ? (context: GatewayContext, at: number) => {
              if (owners[at] === undefined) owners[at] = context;
              return owners[at] === context ? all[at] : copy(all[at]);
            }
          : undefined;
        for (const m of group.members) m.resolve(entitiesFor(part, m.positions!, take && ((at) => take(m.ask.context, at))));
      } else {
        group.members.forEach((m, n) => m.resolve(n === 0 ? part : { ...part, data: copy(part.data) as GatewayGraphQLResponse["data"] }));
      }
    });
  }

  private callerOf(ask: Ask): string {
    const context = ask.context;
    let caller = this.callers.get(context);
    if (caller === undefined) {
      // Per context and per unit (one UnitCalls per unit): a unit's header rules send every fetch of a request the same headers.
      caller = [encodedIdentity(context.identity), context.forward["x-channel"] ?? "", context.forward.authorization ?? "", context.wantProvenance ? "p" : "", JSON.stringify(ask.propagated ?? {})].join("\n");
      this.callers.set(context, caller);
    }
    return caller;
  }
}

/** Where a representation goes in a group's request: where it already is, or at the end. */
function place(group: Group, representation: unknown, json = JSON.stringify(representation)): number {
  let at = group.seen.get(json);
  if (at === undefined) {
    at = group.representations.push(representation) - 1;
    group.json.push(json);
    group.seen.set(json, at);
    group.chars += json.length + 1;
  }
  return at;
}

/**
 * The body of a subgraph request, as the bytes that go on the wire; a
 * batch's representations are written from the JSON already made of each
 * (`written`) instead of serialised again. The pieces are written straight
 * into the bytes: joined into one string first, the body was one more copy
 * of the representations on V8's heap, the largest part of a body, and it
 * stayed there until the unit answered.
 */
export function bodyOf(request: { query: string; variables?: Record<string, unknown>; operationName?: string }, written: ReadonlyMap<unknown, readonly string[]> = new Map()): Buffer {
  const parts: string[] = ['{"query":', JSON.stringify(request.query), ',"variables":{'];
  let first = true;
  for (const [name, value] of Object.entries(request.variables ?? {})) {
    // As JSON.stringify would: a variable set to undefined is left out.
    if (value === undefined) continue;
    parts.push(first ? "" : ",", JSON.stringify(name), ":");
    first = false;
    const pieces = written.get(value);
    if (!pieces) {
      parts.push(JSON.stringify(value));
      continue;
    }
    parts.push("[");
    for (let i = 0; i < pieces.length; i += 1) parts.push(i === 0 ? "" : ",", pieces[i]);
    parts.push("]");
  }
  parts.push("}");
  if (request.operationName) parts.push(',"operationName":', JSON.stringify(request.operationName));
  parts.push("}");
  let bytes = 0;
  for (const part of parts) bytes += Buffer.byteLength(part);
  const body = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (const part of parts) at += body.write(part, at);
  return body;
}

/** Two smaller batches: half the groups each, or a lone group's fetches in two groups of their own. */
function halves(groups: Group[]): Group[][] {
  if (groups.length > 1) return [groups.slice(0, groups.length >> 1), groups.slice(groups.length >> 1)];
  const [group] = groups;
  const middle = group.members.length >> 1;
  return [group.members.slice(0, middle), group.members.slice(middle)].map((members) => {
    const part: Group = { ...group, members: [], representations: [], seen: new Map(), json: [], chars: 0 };
    for (const m of members) {
      if (m.positions) {
        m.positions = m.positions.map((at) => place(part, group.representations[at], group.json[at]));
      }
      part.members.push(m);
    }
    return [part];
  });
}

/** The answer to one entity fetch out of the answer to the batch: its entities in its order, error paths renumbered. */
function entitiesFor(response: GatewayGraphQLResponse, positions: readonly number[], take?: (at: number) => unknown): GatewayGraphQLResponse {
  const all = (response.data as { _entities?: unknown } | null | undefined)?._entities;
  const data = Array.isArray(all) ? { ...response.data, _entities: positions.map((at) => (take ? take(at) : all[at]) ?? null) } : response.data;
  if (!response.errors) return { ...response, data };
  const errors: GraphQLFormattedError[] = [];
  for (const error of response.errors) {
    const path = error.path;
    if (!path || path[0] !== "_entities" || typeof path[1] !== "number") {
      errors.push(error);
      continue;
    }
    positions.forEach((at, own) => {
      if (at === path[1]) errors.push({ ...error, path: ["_entities", own, ...path.slice(2)] });
    });
  }
  const { errors: _all, ...rest } = response;
  return errors.length > 0 ? { ...rest, data, errors } : { ...rest, data };
}

/** A deep copy of a JSON value. */
function copy(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copy);
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = copy((value as Record<string, unknown>)[key]);
  return out;
}
