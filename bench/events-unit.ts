import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { composeServices } from "@apollo/composition";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { type DefinitionNode, type DocumentNode, GraphQLError, Kind, OperationTypeNode, parse, subscribe, validate } from "graphql";
import { CloseCode, makeServer } from "graphql-ws";
import { WebSocketServer } from "ws";
import { DEV_SIGNING_SECRET, IDENTITY_HEADER, type Identity, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySigned } from "../kit/identity";
import { ROOT, readManifest } from "../scripts/manifest";

/**
 * A stand-in for the unit that owns `Subscription.customerChanged`
 * (promotions, composed here without it), for the live tests that count
 * upstream streams and the fan-out bench that needs events on demand. It
 * serves it over WebSocket (`graphql-transport-ws`, the graphql-ws library)
 * as a business unit does: it accepts only a gateway that signs
 * `connection_init` (kit/identity.ts over `{ query, variables }` of the
 * subscribe message), refuses partners and anonymous callers, and lets a
 * customer follow only their own id. A test emits events with `emit`, as a
 * unit's outbox relay would after a write; the customer of each event is
 * a reference the gateway completes from the other units.
 */
export const EVENTS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])

"A change to a customer, as one unit recorded it (owned by the events test unit)."
type CustomerChange {
  "When the unit recorded the change (ISO-8601, UTC)."
  at: String!
  "The unit that recorded it."
  unit: String!
  "What happened, e.g. OFFER_REDEEMED."
  kind: String!
  "The customer as every unit sees them now."
  customer: Customer!
}

type Customer @key(fields: "id", resolvable: false) {
  id: ID!
}

type Query {
  "Whether the events unit is up."
  eventsUnitUp: Boolean!
}

type Subscription {
  "Every change to one customer, from every unit."
  customerChanged(id: ID!): CustomerChange!
}
`;

export interface EventsFixture {
  url: string;
  port: number;
  /** Subscriptions the unit is serving now (one per upstream stream the gateway opened). */
  open(): number;
  /** Identities that opened connections, in order. */
  connections: (Identity | null)[];
  emit(customerId: string, kind: string): void;
  close(): Promise<void>;
}

type Listener = (change: { at: string; unit: string; kind: string; customer: { __typename: "Customer"; id: string } }) => void;

export async function startEventsFixture(secret = DEV_SIGNING_SECRET): Promise<EventsFixture> {
  const listeners = new Map<string, Set<Listener>>();
  const connections: (Identity | null)[] = [];
  let open = 0;
  const schema = buildSubgraphSchema({
    typeDefs: parse(EVENTS_SDL),
    resolvers: {
      Query: { eventsUnitUp: () => true },
      Subscription: {
        customerChanged: {
          subscribe: (_: unknown, { id }: { id: string }, context: { identity: Identity | null }) => {
            if (!context.identity || context.identity.role === "partner") throw new GraphQLError("only agents and customers may follow a customer", { extensions: { code: "FORBIDDEN" } });
            if (context.identity.role === "customer" && context.identity.customerId !== id) throw new GraphQLError("a customer may follow only their own changes", { extensions: { code: "FORBIDDEN" } });
            return stream(listeners, id, (delta) => (open += delta));
          },
        },
      },
    } as never,
  });
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, path: "/graphql" });
  const server = makeServer<Record<string, unknown>, { identity: Identity | null; body?: string; headers: Record<string, string> }>({
    schema,
    onConnect: (ctx) => {
      const headers = ((ctx.connectionParams ?? {}).headers ?? {}) as Record<string, string>;
      ctx.extra.headers = headers;
      return typeof headers[SIGNATURE_HEADER] === "string" && typeof headers[IDENTITY_HEADER] === "string" && typeof headers[TIMESTAMP_HEADER] === "string";
    },
    onSubscribe: (ctx, _id, payload) => {
      const body = JSON.stringify({ query: payload.query, variables: payload.variables });
      const verdict = verifySigned(secret, ctx.extra.headers, body, Date.now(), 30_000);
      if (!verdict.ok) return [new GraphQLError(verdict.reason, { extensions: { code: "UNAUTHENTICATED" } })];
      connections.push(verdict.identity);
      const document = parse(payload.query);
      const errors = validate(schema, document);
      if (errors.length > 0) return errors;
      return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue: { identity: verdict.identity } };
    },
    subscribe: (args) => subscribe(args),
  });
  wss.on("connection", (socket, request) => {
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => new Promise((resolve, reject) => socket.send(data, (err) => (err ? reject(err) : resolve()))),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) => socket.on("message", (data) => cb(String(data)).catch((err: Error) => socket.close(CloseCode.InternalServerError, err.message))),
      },
      { identity: null, headers: {}, request } as never,
    );
    socket.once("close", (code, reason) => closed(code, String(reason)));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    open: () => open,
    connections,
    emit(customerId, kind) {
      const change = { at: new Date().toISOString(), unit: "PROMOTIONS", kind, customer: { __typename: "Customer" as const, id: customerId } };
      for (const listener of listeners.get(customerId) ?? []) listener(change);
    },
    async close() {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** One subscriber's events as an async iterator, unregistered when the gateway completes or drops it. */
function stream(listeners: Map<string, Set<Listener>>, id: string, count: (delta: number) => void): AsyncIterableIterator<{ customerChanged: unknown }> {
  const pending: unknown[] = [];
  let wake: (() => void) | null = null;
  let done = false;
  const listener: Listener = (change) => {
    pending.push(change);
    wake?.();
  };
  const set = listeners.get(id) ?? new Set();
  set.add(listener);
  listeners.set(id, set);
  count(1);
  const finish = () => {
    if (done) return;
    done = true;
    set.delete(listener);
    count(-1);
    wake?.();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      while (pending.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
      if (done) return { done: true, value: undefined };
      return { done: false, value: { customerChanged: pending.shift() } };
    },
    async return() {
      finish();
      return { done: true, value: undefined };
    },
  };
}

/** A unit's SDL without the subscription it may own itself: here the events unit stands in for it. */
function withoutOwnEvents(document: DocumentNode): DocumentNode {
  const owned = new Set(["Subscription", "CustomerChange"]);
  const definitions = document.definitions
    .filter((d) => !("name" in d && d.name && owned.has(d.name.value)))
    .map((d) => (d.kind === Kind.SCHEMA_DEFINITION || d.kind === Kind.SCHEMA_EXTENSION ? ({ ...d, operationTypes: d.operationTypes?.filter((t) => t.operation !== OperationTypeNode.SUBSCRIPTION) } as DefinitionNode) : d));
  return { ...document, definitions };
}

/** The committed units' SDL composed with the events unit's (which owns customerChanged in their place), for a gateway that serves both. */
export function supergraphWithEvents(eventsUrl: string, unitUrls: Map<string, string> = new Map()): string {
  const services = readManifest().map(({ name, port }) => ({ name, typeDefs: withoutOwnEvents(parse(readFileSync(join(ROOT, "schema", `${name}.graphql`), "utf8"))), url: unitUrls.get(name) ?? `http://127.0.0.1:${port}/graphql` }));
  services.push({ name: "events", typeDefs: parse(EVENTS_SDL), url: eventsUrl });
  const result = composeServices(services);
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join("; ")}`);
  return result.supergraphSdl;
}
