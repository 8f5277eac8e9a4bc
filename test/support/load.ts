import { loadGatewayConfig } from "../../gateway/config";
import { mintToken } from "../../gateway/admission/token";

/**
 * A bounded load through the gateway: `concurrency` clients sending the
 * same operation back to back until `stop()`. Every answer is recorded with
 * its latency and its errors' code and unit, for the resilience tests and
 * `npm run chaos`.
 */
export interface Sample {
  /** When the request was sent (epoch ms). */
  at: number;
  ms: number;
  /** HTTP status, or 0 when the gateway could not be reached at all. */
  status: number;
  data?: Record<string, unknown> | null;
  errors: { code: string; unit?: string; message: string }[];
}

export interface Load {
  samples: Sample[];
  /** Stops sending and resolves once every client's last request has ended. */
  stop(): Promise<Sample[]>;
}

export function startLoad(url: string, body: { query: string; variables?: Record<string, unknown> }, concurrency = 4): Load {
  const samples: Sample[] = [];
  let running = true;
  const client = async () => {
    while (running) samples.push(await send(url, body));
  };
  const clients = Array.from({ length: concurrency }, client);
  return {
    samples,
    async stop() {
      running = false;
      await Promise.all(clients);
      return samples;
    },
  };
}

/** An agent's development token, minted once: the load reads personal fields. */
let agent: Promise<string> | undefined;
function agentAuthorization(): Promise<string> {
  agent ??= mintToken(loadGatewayConfig({}), { role: "agent", sub: "load" }).then((token) => `Bearer ${token}`);
  return agent;
}

export async function send(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Sample> {
  const authorization = await agentAuthorization();
  const at = Date.now();
  try {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization, ...headers }, body: JSON.stringify(body) });
    const json = (await res.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string; unit?: string } }[] };
    const errors = (json.errors ?? []).map((e) => ({ code: String(e.extensions?.code ?? "NONE"), unit: e.extensions?.unit, message: e.message }));
    return { at, ms: Date.now() - at, status: res.status, data: json.data, errors };
  } catch (err) {
    return { at, ms: Date.now() - at, status: 0, errors: [{ code: "NO_RESPONSE", message: (err as Error).message }] };
  }
}

/** One of many distinct callers: its own credential, and what it sends next. */
export interface Caller {
  authorization: string;
  next(): { name: string; body: unknown; headers?: Record<string, string> };
}

export interface CallerSample extends Sample {
  /** Which operation this was (an example's title...). */
  name: string;
  caller: number;
}

/**
 * Many distinct callers, each sending back to back until `stop()`; every
 * answer goes to `onSample` as it arrives (nothing is kept here, so a long
 * run holds no growing list).
 */
export function startCallers(url: string, callers: readonly Caller[], onSample: (sample: CallerSample) => void): { stop(): Promise<void> } {
  let running = true;
  const loops = callers.map(async (caller, i) => {
    while (running) {
      const { name, body, headers } = caller.next();
      const sample = await send(url, body, { ...headers, authorization: caller.authorization });
      onSample({ ...sample, name, caller: i });
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
