import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type GraphQLError, buildSchema, graphql } from "graphql";
import { type Identity, IDENTITY_HEADER, decodeIdentity } from "../../kit/identity";
import type { GraphQLDataSource } from "@apollo/gateway";
import { CircuitBreaker } from "./breaker";
import { type SharingOptions, bodyOf, nextSequence } from "./calls";
import { unitDataSource } from "./chain";
import type { GatewayContext } from "../context";
import { type Transport, createTransport } from "./transport";
import { parseHeaderRules } from "./header-rules";
import { UnitHeaders } from "../http/unit-headers";

/**
 * Shared subgraph calls (calls.ts) through the gateway's whole chain (chain.ts), against a
 * loopback subgraph that executes real GraphQL, records every request and,
 * on demand, holds its answers, answers 503 or drops the connection.
 */
const schema = buildSchema(`
  scalar _Any
  union _Entity = Customer | Product
  type Query {
    _entities(representations: [_Any!]!): [_Entity]!
    products(first: Int!): [Product!]!
    "How many requests the subgraph had executed when it read this one: which read an answer comes from."
    readNumber: Int!
  }
  type Mutation { note(text: String!): Int! }
  type Customer { id: ID! name: String! tier: String }
  type Product { sku: ID! name: String! price(customerId: ID): Int }
`);

// C-BAD has no name: Customer.name errors and nulls the entity. C2's tier errors, the entity stays.
const customer = (id: string) => ({
  __typename: "Customer",
  id,
  name: () => {
    if (id === "C-BAD") throw new Error(`no name for ${id}`);
    return `name of ${id}`;
  },
  tier: () => {
    if (id === "C2") throw new Error(`no tier for ${id}`);
    return id === "C1" ? "GOLD" : "SILVER";
  },
});
const product = (sku: string) => ({ __typename: "Product", sku, name: `product ${sku}`, price: ({ customerId }: { customerId?: string }) => (customerId === "C1" ? 90 : 100) });

let executed = 0;
let notes = 0;
const rootValue = {
  _entities: ({ representations }: { representations: Array<{ __typename: string; id?: string; sku?: string }> }) => representations.map((r) => (r.__typename === "Product" ? product(r.sku!) : customer(r.id!))),
  products: ({ first }: { first: number }) => Array.from({ length: first }, (_, i) => product(`SKU-${i + 1}`)),
  readNumber: () => executed,
  note: () => (notes += 1),
};

/** Fetches as the query planner writes them. */
const CUSTOMERS = `query Q__ledger__1($representations:[_Any!]!){_entities(representations:$representations){...on Customer{name tier}}}`;
const PRICES = `query Q__ledger__2($representations:[_Any!]!,$customerId:ID){_entities(representations:$representations){...on Product{name price(customerId:$customerId)}}}`;
const PRODUCTS = `query Q__ledger__0{products(first:3){sku name}}`;
const READ = `query Q__ledger__3{readNumber}`;
const NOTE = `mutation M__ledger__0($text:String!){note(text:$text)}`;

const customers = (...ids: string[]) => ids.map((id) => ({ __typename: "Customer", id }));
const products = (...skus: string[]) => skus.map((sku) => ({ __typename: "Product", sku }));

type Body = { query: string; variables?: Record<string, unknown>; operationName?: string };
type Mode = "answer" | "503" | "drop";

const AGENT: Identity = { role: "agent", subject: "agent-1" };
let requestIds = 0;
/** A client request of the gateway; its arrival is stamped now unless given. */
const contextOf = (overrides: Partial<GatewayContext> = {}): GatewayContext => ({
  requestId: `r${(requestIds += 1)}`,
  identity: AGENT,
  forward: { "x-channel": "WEB", authorization: "Bearer agent-1" },
  clientHeaders: { "accept-language": "de" },
  wantProvenance: false,
  provenance: [],
  deadline: Date.now() + 5000,
  arrival: nextSequence(),
  ...overrides,
});

/**
 * What a fetch got, as the executor sees it: data, and errors' messages and
 * paths (locations point into whatever document was sent). Errors as a set:
 * a merged answer lists a fetch's entity errors in the merged request's
 * order of representations, and GraphQL gives errors no order.
 */
type Outcome = { data?: unknown; errors?: Array<{ message: string; path?: ReadonlyArray<string | number> }> } | { failed: string };
const outcome = async (promise: Promise<GatewayGraphQLResponse>): Promise<Outcome> => {
  try {
    const { data, errors } = await promise;
    const sortedErrors = errors?.map(({ message, path }) => ({ message, path })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    return sortedErrors ? { data, errors: sortedErrors } : { data };
  } catch (err) {
    return { failed: (err as Error).message };
  }
};

const failure = async (promise: Promise<unknown>): Promise<GraphQLError> => {
  try {
    await promise;
  } catch (err) {
    return err as GraphQLError;
  }
  throw new Error("expected the fetch to fail");
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("UnitCalls: query fetches to one unit shared", () => {
  let server: Server;
  let url = "";
  let transport: Transport;
  let mode: Mode = "answer";
  /** While set, answers are computed on arrival but sent only once it resolves. */
  let gate: Promise<void> | null = null;
  const seen: Array<{ body: Body; headers: IncomingHttpHeaders }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Body;
        seen.push({ body, headers: req.headers });
        if (mode === "drop") return req.socket.destroy();
        if (mode === "503") {
          res.writeHead(503, { "content-type": "text/plain" });
          return res.end("unavailable");
        }
        executed += 1;
        const result = await graphql({ schema, rootValue, source: body.query, variableValues: body.variables, operationName: body.operationName });
        const text = JSON.stringify(result);
        await gate;
        res.writeHead(200, { "content-type": "application/json", "x-read-number": String(executed), "set-cookie": [`read=${executed}`, "unit=ledger"] });
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    transport = createTransport({ connections: 16, keepAliveMs: 5000 });
  });
  afterAll(async () => {
    await transport.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
    mode = "answer";
    gate = null;
  });

  /** The unit hears the client's accept-language (the default rules); its x-read-number comes back. */
  const RULES = parseHeaderRules(JSON.stringify({ toUnits: [{ name: "accept-language" }], toClient: [{ name: "x-read-number" }] }));
  const source = (sharing: SharingOptions = { batch: true, dedupe: true }, retries = 0, headerRules = RULES) =>
    unitDataSource("ledger", url, { timeoutMs: 2000, retries, retryBaseMs: 5, breaker: new CircuitBreaker({ failures: 100, cooldownMs: 60_000 }), sharing, headerRules }, transport, "test-signing-secret");
  const fetchOf = (ds: GraphQLDataSource<GatewayContext>, context: GatewayContext, query: string, variables: Record<string, unknown> = {}) =>
    // The kind enum is not exported by @apollo/gateway; this is its value.
    ds.process({ kind: "incoming operation" as never, request: { query, variables }, incomingRequestContext: { context } as never, context });
  /** Holds the subgraph's answers until the returned function is called. */
  const hold = (): (() => void) => {
    let open = () => {};
    gate = new Promise<void>((resolve) => (open = resolve));
    return open;
  };
  const until = async (condition: () => boolean, what: string) => {
    for (const began = Date.now(); !condition(); await sleep(5)) if (Date.now() - began > 2000) throw new Error(`timed out waiting for ${what}`);
  };

  describe("every fetch gets what it gets with sharing off, in fewer requests", () => {
    /** A fetch of client request `who`; requests 0 and 1 are the same caller. */
    type Fetch = { who: 0 | 1; query: string; variables?: Record<string, unknown> };
    const MIXES: Record<string, Fetch[]> = {
      "entity fetches of two requests, overlapping and repeated representations": [
        { who: 0, query: CUSTOMERS, variables: { representations: customers("C1", "C3", "C4", "C3") } },
        { who: 1, query: CUSTOMERS, variables: { representations: customers("C4", "C1", "C5") } },
        { who: 1, query: CUSTOMERS, variables: { representations: customers("C6") } },
      ],
      "entity fetches with other variables, root fields, identical fetches": [
        { who: 0, query: PRICES, variables: { representations: products("S1", "S2"), customerId: "C1" } },
        { who: 1, query: PRICES, variables: { representations: products("S2", "S3"), customerId: "C9" } },
        { who: 0, query: PRODUCTS },
        { who: 1, query: PRODUCTS },
        { who: 1, query: CUSTOMERS, variables: { representations: customers("C1") } },
        { who: 0, query: CUSTOMERS, variables: { representations: customers("C1") } },
      ],
      "entities that error for some representations (nulled, or partly answered)": [
        { who: 0, query: CUSTOMERS, variables: { representations: customers("C-BAD", "C1", "C2") } },
        { who: 1, query: CUSTOMERS, variables: { representations: customers("C2", "C3", "C-BAD", "C-BAD") } },
        { who: 1, query: PRODUCTS },
      ],
    };

    const run = async (sharing: SharingOptions, mix: Fetch[]) => {
      const ds = source(sharing);
      const contexts = [contextOf(), contextOf()];
      const before = seen.length;
      // All in one tick, as parallel branches of query plans issue them.
      const outcomes = await Promise.all(mix.map((f) => outcome(fetchOf(ds, contexts[f.who], f.query, f.variables))));
      return { outcomes, requests: seen.length - before };
    };

    it.each(Object.entries(MIXES))("%s", async (_name, mix) => {
      const off = await run({ batch: false, dedupe: false }, mix);
      expect(off.requests).toBe(mix.length);
      expect(off.outcomes.every((o) => !("failed" in o))).toBe(true);
      for (const sharing of [
        { batch: true, dedupe: true },
        { batch: true, dedupe: false },
        { batch: false, dedupe: true },
      ]) {
        const on = await run(sharing, mix);
        expect({ sharing, outcomes: on.outcomes }).toEqual({ sharing, outcomes: off.outcomes });
        if (sharing.batch) expect(on.requests).toBe(1);
        else expect(on.requests).toBeLessThanOrEqual(off.requests);
      }
    });

    it("the mixes with errors keep each error with the fetch and position it belongs to", async () => {
      const { outcomes } = await run({ batch: true, dedupe: true }, MIXES["entities that error for some representations (nulled, or partly answered)"]);
      expect(outcomes[1]).toEqual({
        data: { _entities: [{ name: "name of C2", tier: null }, { name: "name of C3", tier: "SILVER" }, null, null] },
        errors: [
          { message: "no name for C-BAD", path: ["_entities", 2, "name"] },
          { message: "no name for C-BAD", path: ["_entities", 3, "name"] },
          { message: "no tier for C2", path: ["_entities", 0, "tier"] },
        ],
      });
    });
  });

  it("sends each distinct representation once, and gives each fetch its own in its own order", async () => {
    const ds = source();
    const [a, b] = [contextOf(), contextOf()];
    const [first, second] = await Promise.all([fetchOf(ds, a, CUSTOMERS, { representations: customers("C1", "C3", "C1") }), fetchOf(ds, b, CUSTOMERS, { representations: customers("C3", "C4") })]);
    expect(seen).toHaveLength(1);
    expect(seen[0].body.variables).toEqual({ representations: customers("C1", "C3", "C4") });
    const names = (r: GatewayGraphQLResponse) => (r.data as { _entities: Array<{ name: string }> })._entities.map((e) => e.name);
    expect(names(first)).toEqual(["name of C1", "name of C3", "name of C1"]);
    expect(names(second)).toEqual(["name of C3", "name of C4"]);
  });

  describe("never across callers", () => {
    const others: Record<string, Partial<GatewayContext>> = {
      "another identity": { identity: { role: "agent", subject: "agent-2" } },
      "another bearer token": { forward: { "x-channel": "WEB", authorization: "Bearer agent-1-other" } },
      "another channel": { forward: { "x-channel": "STORE", authorization: "Bearer agent-1" } },
      anonymous: { identity: null, forward: { "x-channel": "WEB" } },
      // A header the rules send the unit may change its answer (accept-language: fr, not de).
      "another propagated header": { clientHeaders: { "accept-language": "fr" } },
      "no propagated header": { clientHeaders: {} },
    };

    it.each(Object.entries(others))("batching: %s gets a request of its own, with its own headers", async (_name, overrides) => {
      const ds = source();
      const [a, b] = [contextOf(), contextOf(overrides)];
      await Promise.all([fetchOf(ds, a, CUSTOMERS, { representations: customers("C1") }), fetchOf(ds, b, CUSTOMERS, { representations: customers("C1") }), fetchOf(ds, a, PRODUCTS), fetchOf(ds, b, PRODUCTS)]);
      expect(seen).toHaveLength(2);
      const callers = seen.map(({ headers }) => ({ identity: decodeIdentity(String(headers[IDENTITY_HEADER])), channel: headers["x-channel"], authorization: headers.authorization, language: headers["accept-language"] }));
      const expected = [a, b].map((c) => ({ identity: c.identity, channel: c.forward["x-channel"], authorization: c.forward.authorization, language: c.clientHeaders?.["accept-language"] }));
      expect(callers).toEqual(expect.arrayContaining(expected));
      expect(new Set(callers.map((c) => JSON.stringify(c))).size).toBe(2);
    });

    it.each(Object.entries(others))("in flight: %s does not wait for another caller's request", async (_name, overrides) => {
      const ds = source();
      const open = hold();
      const b = contextOf(overrides);
      const first = fetchOf(ds, contextOf(), READ);
      await until(() => seen.length === 1, "the first request");
      // b arrived before the first request was sent: only the caller keeps them apart.
      const second = fetchOf(ds, b, READ);
      await until(() => seen.length === 2, "the other caller's request");
      open();
      await Promise.all([first, second]);
      expect(seen).toHaveLength(2);
    });
  });

  describe("unit response headers the rules let back", () => {
    it("every fetch a merged request carried gets that request's headers", async () => {
      const ds = source();
      const [a, b] = [contextOf({ unitHeaders: new UnitHeaders() }), contextOf({ unitHeaders: new UnitHeaders() })];
      await Promise.all([fetchOf(ds, a, CUSTOMERS, { representations: customers("C1") }), fetchOf(ds, b, PRODUCTS), fetchOf(ds, a, PRODUCTS)]);
      expect(seen).toHaveLength(1);
      const read = a.unitHeaders!.merged().get("x-read-number");
      expect(read).toEqual([expect.stringMatching(/^\d+$/)]);
      expect(b.unitHeaders!.merged()).toEqual(new Map([["x-read-number", read]]));
    });

    it("keeps nothing the rules do not name: no cookie, no other header", async () => {
      const ds = source(undefined, 0, parseHeaderRules(JSON.stringify({ toClient: [{ matching: "." }] })));
      const a = contextOf({ unitHeaders: new UnitHeaders() });
      await fetchOf(ds, a, PRODUCTS);
      // The unit also sent set-cookie, content-type, date, connection and keep-alive.
      expect([...a.unitHeaders!.merged().keys()]).toEqual(["x-read-number"]);
    });
  });

  it("never shares or merges mutations: two identical ones in one tick are two requests, each alone", async () => {
    const ds = source();
    const context = contextOf();
    const answers = await Promise.all([fetchOf(ds, context, NOTE, { text: "x" }), fetchOf(ds, context, NOTE, { text: "x" }), fetchOf(ds, context, PRODUCTS)]);
    const mutations = seen.filter(({ body }) => body.query.startsWith("mutation"));
    expect(mutations.map(({ body }) => body)).toEqual([
      { query: NOTE, variables: { text: "x" } },
      { query: NOTE, variables: { text: "x" } },
    ]);
    expect(seen).toHaveLength(3);
    // Each executed on its own: two different counts.
    const counts = answers.slice(0, 2).map((a) => (a.data as { note: number }).note);
    expect(new Set(counts).size).toBe(2);
  });

  describe("with a concurrency limit, a busy caller's further fetches wait and go out together", () => {
    it("one request in flight, the next two fetches of the same caller in one request once it is back", async () => {
      const ds = source({ batch: true, dedupe: true, concurrency: 1 });
      const open = hold();
      const first = fetchOf(ds, contextOf(), CUSTOMERS, { representations: customers("C1") });
      await until(() => seen.length === 1, "the first request");
      const later = [fetchOf(ds, contextOf(), CUSTOMERS, { representations: customers("C3", "C4") })];
      await sleep(5);
      later.push(fetchOf(ds, contextOf(), CUSTOMERS, { representations: customers("C4", "C5") }));
      await sleep(30);
      expect(seen).toHaveLength(1);
      open();
      const answers = await Promise.all([first, ...later]);
      expect(seen).toHaveLength(2);
      expect(seen[1].body.variables).toEqual({ representations: customers("C3", "C4", "C5") });
      const names = answers.map((r) => (r.data as { _entities: Array<{ name: string }> })._entities.map((e) => e.name));
      expect(names).toEqual([["name of C1"], ["name of C3", "name of C4"], ["name of C4", "name of C5"]]);
    });

    it("another caller does not wait for a busy one", async () => {
      const ds = source({ batch: true, dedupe: true, concurrency: 1 });
      const open = hold();
      const busy = fetchOf(ds, contextOf(), PRODUCTS);
      await until(() => seen.length === 1, "the busy caller's request");
      const waiting = fetchOf(ds, contextOf(), READ);
      const other = fetchOf(ds, contextOf({ identity: { role: "agent", subject: "agent-2" } }), READ);
      await until(() => seen.length === 2, "the other caller's request");
      expect(decodeIdentity(String(seen[1].headers[IDENTITY_HEADER]))).toEqual({ role: "agent", subject: "agent-2" });
      open();
      await Promise.all([busy, waiting, other]);
      expect(seen).toHaveLength(3);
    });
  });

  describe("in flight, an answer is never older than the client request it serves", () => {
    it("a request that arrived after the identical one in flight was sent gets a fresh read of its own", async () => {
      const ds = source();
      const open = hold();
      const first = fetchOf(ds, contextOf(), READ);
      await until(() => seen.length === 1, "the first request");
      const late = contextOf();
      const second = fetchOf(ds, late, READ);
      // Had it joined, no second request would come; give it every chance.
      await until(() => seen.length === 2, "a second request").catch(() => undefined);
      open();
      const [a, b] = await Promise.all([first, second]);
      expect(seen).toHaveLength(2);
      expect((b.data as { readNumber: number }).readNumber).toBe((a.data as { readNumber: number }).readNumber + 1);
    });

    it("a request that arrived before the identical one in flight was sent joins it", async () => {
      const ds = source();
      const open = hold();
      const early = contextOf();
      const firstContext = contextOf();
      const first = fetchOf(ds, firstContext, READ);
      await until(() => seen.length === 1, "the first request");
      const second = fetchOf(ds, early, READ);
      await sleep(50);
      open();
      const [a, b] = await Promise.all([first, second]);
      expect(seen).toHaveLength(1);
      expect(b.data).toEqual(a.data);
      expect(b.data).not.toBe(a.data);
    });

    it("a batch joins only if it was sent after every request it serves arrived", async () => {
      const ds = source();
      const open = hold();
      const early = contextOf();
      const first = fetchOf(ds, contextOf(), READ);
      await until(() => seen.length === 1, "the first request");
      // The same body again, for two requests: one arrived in time, the other after the send.
      const late = contextOf();
      const both = [fetchOf(ds, early, READ), fetchOf(ds, late, READ)];
      await until(() => seen.length === 2, "a second request").catch(() => undefined);
      open();
      const [a, b, c] = await Promise.all([first, ...both]);
      expect(seen).toHaveLength(2);
      const read = (r: GatewayGraphQLResponse) => (r.data as { readNumber: number }).readNumber;
      expect([read(b), read(c)]).toEqual([read(a) + 1, read(a) + 1]);
    });
  });

  describe("no two client requests share an object of an answer", () => {
    const mutate = (value: unknown) => {
      (value as Record<string, unknown>).name = "changed";
    };

    it("entities and root fields merged in one tick, for three requests", async () => {
      const ds = source();
      const [a, b, c] = [contextOf(), contextOf(), contextOf()];
      const [ea, eb, ec, pa, pb, pc] = await Promise.all([
        fetchOf(ds, a, CUSTOMERS, { representations: customers("C1", "C3") }),
        fetchOf(ds, b, CUSTOMERS, { representations: customers("C3", "C1") }),
        fetchOf(ds, c, CUSTOMERS, { representations: customers("C1") }),
        fetchOf(ds, a, PRODUCTS),
        fetchOf(ds, b, PRODUCTS),
        fetchOf(ds, c, PRODUCTS),
      ]);
      expect(seen).toHaveLength(1);
      const entities = (r: GatewayGraphQLResponse) => (r.data as { _entities: Array<Record<string, unknown>> })._entities;
      const list = (r: GatewayGraphQLResponse) => (r.data as { products: Array<Record<string, unknown>> }).products;
      const c1 = { name: "name of C1", tier: "GOLD" };
      const sku1 = { sku: "SKU-1", name: "product SKU-1" };
      // Each request changes what it got, as the executor merges into it; no other request sees that.
      mutate(entities(ea)[0]);
      expect([entities(eb)[1], entities(ec)[0]]).toEqual([c1, c1]);
      mutate(entities(eb)[1]);
      expect(entities(ec)[0]).toEqual(c1);
      mutate(entities(eb)[0]);
      expect(entities(ea)[1]).toEqual({ name: "name of C3", tier: "SILVER" });
      mutate(list(pa)[0]);
      mutate(list(pb)[0]);
      expect(list(pc)[0]).toEqual(sku1);
    });

    it("an answer shared in flight", async () => {
      const ds = source({ batch: false, dedupe: true });
      const open = hold();
      const early = contextOf();
      const first = fetchOf(ds, contextOf(), PRODUCTS);
      await until(() => seen.length === 1, "the first request");
      const second = fetchOf(ds, early, PRODUCTS);
      await sleep(20);
      open();
      const [a, b] = await Promise.all([first, second]);
      expect(seen).toHaveLength(1);
      mutate((a.data as { products: unknown[] }).products[0]);
      expect((b.data as { products: unknown[] }).products[0]).toEqual({ sku: "SKU-1", name: "product SKU-1" });
    });
  });

  describe("each fetch is bounded by its own request's deadline, not by another's", () => {
    it("a request with time left is not failed by the request with little left it was merged with", async () => {
      const ds = source();
      const open = hold();
      setTimeout(open, 600);
      const began = Date.now();
      const hurried = fetchOf(ds, contextOf({ deadline: Date.now() + 100 }), CUSTOMERS, { representations: customers("C1") });
      const patient = fetchOf(ds, contextOf(), CUSTOMERS, { representations: customers("C3") });
      const err = await failure(hurried);
      expect(Date.now() - began).toBeLessThan(450);
      expect(err.extensions).toEqual({ code: "TIMEOUT", unit: "ledger" });
      expect(err.message).toBe("the ledger unit did not answer before the request's deadline");
      expect((await patient).data).toEqual({ _entities: [{ name: "name of C3", tier: "SILVER" }] });
      expect(seen).toHaveLength(1);
    });

    it("a request that joins one in flight waits no longer than its own deadline", async () => {
      const ds = source();
      const open = hold();
      setTimeout(open, 600);
      const hurried = contextOf({ deadline: Date.now() + 150 });
      const first = fetchOf(ds, contextOf(), READ);
      await until(() => seen.length === 1, "the first request");
      const err = await failure(fetchOf(ds, hurried, READ));
      expect(Date.now()).toBeLessThan(hurried.deadline + 300);
      expect(err.extensions).toEqual({ code: "TIMEOUT", unit: "ledger" });
      expect((await first).data).toEqual({ readNumber: expect.any(Number) });
      expect(seen).toHaveLength(1);
    });
  });

  describe("a unit that fails the merged request fails every fetch it stood for, naming the unit", () => {
    const fetches = (ds: GraphQLDataSource<GatewayContext>) => {
      const [a, b] = [contextOf(), contextOf()];
      return [fetchOf(ds, a, CUSTOMERS, { representations: customers("C1") }), fetchOf(ds, b, CUSTOMERS, { representations: customers("C2") }), fetchOf(ds, a, PRODUCTS), fetchOf(ds, b, PRICES, { representations: products("S1") })];
    };

    it.each([
      ["503", "the ledger unit is unavailable (HTTP 503)"],
      ["drop", "the ledger unit is unavailable"],
    ] as const)("answering %s", async (failing, message) => {
      mode = failing;
      const errors = await Promise.all(fetches(source({ batch: true, dedupe: true }, 1)).map(failure));
      // One request, retried once as a whole.
      expect(seen).toHaveLength(2);
      for (const err of errors) {
        expect(err.message).toBe(message);
        expect(err.extensions).toEqual({ code: "UNAVAILABLE", unit: "ledger" });
      }
    });
  });

  it("writes a body as JSON.stringify would, representations from the JSON already made of them", () => {
    const representations = customers("C1", "C2", "C3");
    const none = customers();
    const request = { query: CUSTOMERS, variables: { representations, customerId: "C1", unset: undefined, none }, operationName: "Q__ledger__1" };
    const written = bodyOf(
      request,
      new Map([
        [representations, representations.map((r) => JSON.stringify(r))],
        [none, []],
      ]),
    );
    expect(written.toString("utf8")).toBe(JSON.stringify(request));
    expect(bodyOf({ query: NOTE, variables: { text: "x" } }).toString("utf8")).toBe(JSON.stringify({ query: NOTE, variables: { text: "x" } }));
    expect(bodyOf({ query: NOTE }).toString("utf8")).toBe(JSON.stringify({ query: NOTE, variables: {} }));
    // Bytes, not characters: every character written whole, and nothing after it.
    const wide = { query: NOTE, variables: { text: 'José 🏨 "quoted"' } };
    expect(bodyOf(wide)).toEqual(Buffer.from(JSON.stringify(wide), "utf8"));
  });
});
