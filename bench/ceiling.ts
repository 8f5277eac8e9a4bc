import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { ApolloGateway, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { Pool } from "undici";
import type { Body, Case } from "./cases";
import { type Measurement, drained } from "./measure";
import type { BenchStack } from "./processes";

/**
 * The ceiling row of the bench: the units queried directly with the part of
 * the work each does, so no planning, merging or gateway hop costs anything.
 * Stock @apollo/gateway, in this process, records the subgraph requests it
 * sends for a case's first distinct request bodies; the load then sends
 * exactly those requests straight to the units, each one waiting only for
 * the answers its recorded original had in hand when it was sent.
 */
export const CEILING = { key: "ceiling", label: "ceiling: units queried directly" } as const;

/** One subgraph request as the gateway sent it. */
interface RecordedFetch {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Fetches of the same client request whose answers had arrived when this one was sent: the plan's order, as observed. */
  after: number[];
}
/** The fetches of one client request, in the order they were sent. */
type RecordedRequest = RecordedFetch[];

interface Recording {
  authorization: string;
  fetches: RecordedFetch[];
  answered: number[];
}

/** How many distinct bodies of a case are recorded and replayed round-robin. */
const BODIES_PER_CASE = 64;

export interface Ceiling {
  /** Recorded client requests per case key; a case with writes has none (a write replayed is not the same request). */
  recorded: Map<string, RecordedRequest[]>;
  measure(c: Case, options: { seconds: number; connections: number }): Promise<Measurement>;
  close(): Promise<void>;
}

/** Records each read-only case's subgraph requests through stock Apollo, then holds keep-alive pools to the units. */
export async function recordCeiling(stack: Pick<BenchStack, "supergraphPath" | "authorization" | "takeFetches" | "unitsCpuMs">, cases: Case[], bodiesPerCase = BODIES_PER_CASE): Promise<Ceiling> {
  const indexOf = new WeakMap<object, number>();
  const quiet = { debug() {}, info() {}, warn: console.warn, error: console.error };
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(stack.supergraphPath, "utf8"),
    logger: quiet,
    buildService: ({ url }) =>
      new (class extends RemoteGraphQLDataSource<Recording> {
        override willSendRequest(options: GraphQLDataSourceProcessOptions<Recording>): void {
          const { request, context } = options;
          if (!context.fetches || !request.http) return;
          request.http.headers.set("authorization", context.authorization);
          const { http, query, ...rest } = request;
          const target = new URL(http.url);
          indexOf.set(options, context.fetches.length);
          // The body exactly as RemoteGraphQLDataSource serialises it.
          context.fetches.push({ origin: target.origin, path: target.pathname, headers: Object.fromEntries(http.headers), body: JSON.stringify({ query, ...rest }), after: [...context.answered] });
        }
        override async process(options: GraphQLDataSourceProcessOptions<Recording>) {
          const response = await super.process(options);
          const index = indexOf.get(options);
          if (index !== undefined) options.context.answered.push(index);
          return response;
        }
      })({ url }),
  });
  const server = new ApolloServer<Recording>({ gateway, logger: quiet });
  await server.start();
  const recorded = new Map<string, RecordedRequest[]>();
  try {
    for (const c of cases) {
      if (Array.from({ length: 100 }, (_, n) => c.body(n)).some((b) => b.write)) continue;
      const bodies = new Map<string, Body>();
      for (let n = 0; n < bodiesPerCase * 8 && bodies.size < bodiesPerCase; n += 1) bodies.set(JSON.stringify(c.body(n)), c.body(n));
      const requests: RecordedRequest[] = [];
      for (const body of bodies.values()) {
        const context: Recording = { authorization: stack.authorization, fetches: [], answered: [] };
        const res = await server.executeOperation({ query: body.query, variables: body.variables }, { contextValue: context });
        if (res.body.kind !== "single" || res.body.singleResult.errors) throw new Error(`ceiling: recording ${c.key} failed: ${JSON.stringify(res.body).slice(0, 300)}`);
        requests.push(context.fetches);
      }
      recorded.set(c.key, requests);
    }
  } finally {
    await server.stop();
  }

  // Keep-alive and unbounded per unit, as stock Apollo's fetcher (maxSockets: Infinity).
  const pools = new Map<string, Pool>();
  for (const f of [...recorded.values()].flat(2)) if (!pools.has(f.origin)) pools.set(f.origin, new Pool(f.origin));
  return {
    recorded,
    measure: (c, options) => replayLoad(pools, recorded.get(c.key) ?? [], stack, options),
    close: async () => void (await Promise.all([...pools.values()].map((p) => p.close()))),
  };
}

/** Sends one fetch; the problem as text, or undefined when the unit answered 200 without errors. */
async function send(pools: Map<string, Pool>, f: RecordedFetch): Promise<string | undefined> {
  try {
    const res = await pools.get(f.origin)!.request({ method: "POST", path: f.path, headers: f.headers, body: f.body });
    const text = await res.body.text();
    return res.statusCode !== 200 || text.includes('"errors"') ? `HTTP ${res.statusCode}: ${text.slice(0, 300)}` : undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** One client request's fetches, each sent once those it waited for when recorded have answered. */
async function replay(pools: Map<string, Pool>, request: RecordedRequest): Promise<string | undefined> {
  const sent: Promise<string | undefined>[] = [];
  for (const f of request) sent.push(Promise.all(f.after.map((i) => sent[i])).then(() => send(pools, f)));
  return (await Promise.all(sent)).find((problem) => problem !== undefined);
}

/**
 * `connections` virtual clients, each replaying the next recorded client
 * request as soon as its last one is done, for `seconds`. Requests that end
 * after the window are not counted (as autocannon does) but are waited for,
 * so the next window starts on idle units.
 */
async function replayLoad(pools: Map<string, Pool>, requests: RecordedRequest[], units: Pick<BenchStack, "takeFetches" | "unitsCpuMs">, options: { seconds: number; connections: number }): Promise<Measurement> {
  if (requests.length === 0) throw new Error("ceiling: nothing recorded for this case");
  await drained(units);
  const unitsBefore = units.unitsCpuMs();
  const latencies: number[] = [];
  let next = 0;
  let sentRequests = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const end = started + options.seconds * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const request = requests[next++ % requests.length];
      const t0 = performance.now();
      const problem = await replay(pools, request);
      const t1 = performance.now();
      sentRequests += 1;
      if (problem) {
        errors += 1;
        firstError ??= problem;
      }
      if (t1 <= end) latencies.push(t1 - t0);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, client));
  const fetches = await units.takeFetches();
  const unitsCpuMs = units.unitsCpuMs() - unitsBefore;
  latencies.sort((a, b) => a - b);
  // Nearest rank, to 0.1 ms.
  const percentile = (p: number) => Math.round(10 * (latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN)) / 10;
  return {
    requests: latencies.length,
    seconds: options.seconds,
    rps: latencies.length / options.seconds,
    p50: percentile(50),
    p99: percentile(99),
    errors,
    firstError,
    // The load generator is the only process here besides the units: no gateway CPU or memory to report.
    cpuMsPerRequest: NaN,
    offMainShare: NaN,
    unitsCpuMsPerRequest: sentRequests > 0 ? unitsCpuMs / sentRequests : NaN,
    rssPeakMb: NaN,
    fetchesPerRequest: sentRequests > 0 ? fetches / sentRequests : NaN,
  };
}
