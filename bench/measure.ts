import autocannon from "autocannon";
import type { Body, Case } from "./cases";
import { mainThreadCpuMs, processStats } from "./processes";

/** One gateway × one case × one round, as autocannon and /proc saw it. */
export interface Measurement {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Non-2xx answers plus 2xx answers carrying GraphQL errors, plus socket errors and timeouts. */
  errors: number;
  firstError?: string;
  cpuMsPerRequest: number;
  /** The share of the gateway's CPU spent off its main thread (V8's parallel garbage collection, mostly). */
  offMainShare: number;
  /** CPU the units spent per client request (what the gateway's way of fetching costs them). */
  unitsCpuMsPerRequest: number;
  rssPeakMb: number;
  fetchesPerRequest: number;
  /** HTTP messages to the units per client request (below fetchesPerRequest when the gateway batches). */
  messagesPerRequest?: number;
}

export interface Target {
  url: string;
  pid: number;
  authorization: string;
  /** Authorization headers of the bench's many callers (Body.caller picks one). */
  callers: readonly string[];
  takeFetches(): Promise<number>;
  /** The HTTP messages the fetches last taken came in. */
  messagesTaken?(): number;
  /** CPU time (ms) the units have used so far, summed. */
  unitsCpuMs?(): number;
}

function headersOf(body: Body, authorization: string, callers: readonly string[] = []): Record<string, string> {
  const caller = body.caller !== undefined && callers.length > 0 ? callers[body.caller % callers.length] : authorization;
  return { "content-type": "application/json", authorization: caller, ...(body.write ? { "x-channel": "STORE" } : {}) };
}

/** Runs `seconds` of load on fixed connections, each request with its own variables. */
export async function measure(target: Target, c: Case, options: { seconds: number; connections: number }): Promise<Measurement> {
  let n = 0;
  let errors = 0;
  let firstError: string | undefined;
  await drained(target);
  const before = processStats(target.pid);
  const mainBefore = mainThreadCpuMs(target.pid);
  const unitsBefore = target.unitsCpuMs?.() ?? NaN;
  let rssPeakMb = before.rssMb;
  const sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, processStats(target.pid).rssMb)), 200);
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url: target.url,
    method: "POST",
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        setupRequest: (req) => {
          const body = c.body(n++);
          return { ...req, method: "POST", path: new URL(target.url).pathname, headers: headersOf(body, target.authorization, target.callers), body: JSON.stringify({ query: body.query, variables: body.variables }) };
        },
        onResponse: (status, body) => {
          if (status !== 200 || body.includes('"errors"')) {
            errors += 1;
            firstError ??= `HTTP ${status}: ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  });
  clearInterval(sampler);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const after = processStats(target.pid);
  const mainAfter = mainThreadCpuMs(target.pid);
  const unitsAfter = target.unitsCpuMs?.() ?? NaN;
  const fetches = await target.takeFetches();
  const messages = target.messagesTaken?.() ?? NaN;
  const requests = result.requests.total;
  return {
    requests,
    seconds,
    rps: requests / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: errors + result.errors + result.timeouts + result.non2xx,
    firstError: firstError ?? (result.errors + result.timeouts > 0 ? `${result.errors} socket errors, ${result.timeouts} timeouts` : undefined),
    cpuMsPerRequest: requests > 0 ? (after.cpuMs - before.cpuMs) / requests : NaN,
    offMainShare: after.cpuMs > before.cpuMs ? 1 - (mainAfter - mainBefore) / (after.cpuMs - before.cpuMs) : NaN,
    unitsCpuMsPerRequest: requests > 0 ? (unitsAfter - unitsBefore) / requests : NaN,
    rssPeakMb: Math.max(rssPeakMb, after.rssMb),
    fetchesPerRequest: requests > 0 ? fetches / requests : NaN,
    messagesPerRequest: requests > 0 ? messages / requests : NaN,
  };
}

/**
 * Waits until the units see no more fetches: autocannon stops at the end of
 * its window without waiting for the answers still in flight, and a gateway
 * still working through those must not eat into the next window (often
 * another gateway's).
 */
export async function drained(target: Pick<Target, "takeFetches">): Promise<void> {
  for (let quiet = 0, i = 0; quiet < 2 && i < 100; i += 1) {
    await new Promise((r) => setTimeout(r, 150));
    quiet = (await target.takeFetches()) === 0 ? quiet + 1 : 0;
  }
}

/** One request, parsed: for the equality check before timing. */
export async function answer(url: string, body: Body, authorization: string, callers: readonly string[] = []): Promise<{ status: number; data: unknown; errors: unknown }> {
  const res = await fetch(url, { method: "POST", headers: headersOf(body, authorization, callers), body: JSON.stringify({ query: body.query, variables: body.variables }) });
  const json = (await res.json()) as { data?: unknown; errors?: unknown };
  return { status: res.status, data: json.data, errors: json.errors };
}
