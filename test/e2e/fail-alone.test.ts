import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLES } from "../../demo/examples";
import { ROOT, readManifest } from "../../scripts/manifest";
import { retryUntil } from "../support/eventually";
import { type Dependencies, dependenciesOf, missingUnaffected } from "../support/fail-alone";
import { type Stack, startStack } from "../support/stack";

/**
 * A unit fails alone: with any one unit stopped (killed) or hung (SIGSTOP),
 * every GraphiQL worked example still answers, with every field that does
 * not depend on that unit exactly as when all units are up. What depends on
 * what is read from the supergraph (dependenciesOf), not listed here.
 */
const UNITS = readManifest().map((e) => e.name);
const MODES = ["stopped", "hung"] as const;

interface Answer {
  status: number;
  data: Record<string, unknown> | null | undefined;
  errors: { message: string; extensions?: { code?: string; unit?: string } }[];
}

describe("every unit fails alone (five real processes)", () => {
  let stack: Stack;
  const supergraph = readFileSync(join(ROOT, "schema", "supergraph.graphql"), "utf8");
  const dependencies = new Map<string, Dependencies>(EXAMPLES.map((e) => [e.title, dependenciesOf(supergraph, e.query)]));
  const baseline = new Map<string, Answer>();
  const seen: string[] = [];

  const ask = async (example: (typeof EXAMPLES)[number]): Promise<Answer> => {
    const res = await stack.post({ query: example.query, variables: example.variables }, { "x-channel": example.channel });
    return { status: res.status, data: res.body?.data, errors: res.body?.errors ?? [] };
  };
  const allAnswered = async () => {
    for (const example of EXAMPLES) {
      const answer = await ask(example);
      if (answer.errors.length > 0 || JSON.stringify(answer.data) !== JSON.stringify(baseline.get(example.title)!.data)) return false;
    }
    return true;
  };

  beforeAll(async () => {
    stack = await startStack({
      env: { GATEWAY_LOG_LEVEL: "error" },
      // A hung unit costs a timeout until its breaker opens; short, so the test does not wait 5 s a request.
      gatewayEnv: { GATEWAY_SUBGRAPH_TIMEOUT_MS: "1500", GATEWAY_REQUEST_DEADLINE_MS: "4000", GATEWAY_BREAKER_COOLDOWN_MS: "1000", GATEWAY_RETRY_BASE_MS: "20" },
    });
    // The first run commits the redemption; from then on its idempotency key replays it.
    for (const example of EXAMPLES) await ask(example);
    for (const example of EXAMPLES) {
      const answer = await ask(example);
      expect({ title: example.title, errors: answer.errors }).toEqual({ title: example.title, errors: [] });
      baseline.set(example.title, answer);
    }
  }, 120_000);
  afterAll(async () => {
    process.stdout.write(`fail-alone, per unit and mode, what each worked example lost (all of it may depend on the unit):\n${seen.join("\n")}\n`);
    await stack?.stop();
  });

  const cases = UNITS.flatMap((unit) => MODES.map((mode): [string, (typeof MODES)[number]] => [unit, mode]));

  it.each(cases)(
    "with %s %s, every worked example keeps every field that does not depend on it",
    async (unit, mode) => {
      const proc = stack.procs.get(unit)!;
      if (mode === "stopped") {
        proc.child.kill("SIGKILL");
        await proc.exited;
      } else {
        proc.child.kill("SIGSTOP");
      }
      try {
        for (const example of EXAMPLES) {
          const answer = await ask(example);
          const before = baseline.get(example.title)!;
          const label = `${unit} ${mode}: "${example.title}"`;
          // Never the whole response: a 200 with data, whatever failed.
          expect({ label, status: answer.status, data: answer.data === null || answer.data === undefined ? "none" : "some" }).toEqual({ label, status: 200, data: "some" });
          expect({ label, missing: missingUnaffected(before.data, answer.data, dependencies.get(example.title)!, unit) }).toEqual({ label, missing: [] });
          const lost = JSON.stringify(answer.data) !== JSON.stringify(before.data);
          // What is lost is the unit's, and the errors say so: each names the unit that failed, never another.
          if (lost) expect({ label, naming: answer.errors.some((e) => e.extensions?.unit === unit) }).toEqual({ label, naming: true });
          expect({ label, others: answer.errors.filter((e) => e.extensions?.unit !== unit).map((e) => e.message) }).toEqual({ label, others: [] });
          seen.push(`  ${label}: ${lost ? `lost ${lostPaths(before.data, answer.data).join(", ")}` : "nothing lost"}; errors ${[...new Set(answer.errors.map((e) => `${e.extensions?.code}/${e.extensions?.unit}`))].join(" ") || "none"}`);
        }
      } finally {
        if (mode === "stopped") await stack.restart(unit);
        else proc.child.kill("SIGCONT");
      }
      await retryUntil(allAnswered, Boolean, 20_000);
    },
    90_000,
  );

  /** Runs `check` with `unit` killed, then restarts it and waits until the graph answers in full again. */
  async function whileDown(unit: string, check: () => Promise<void>): Promise<void> {
    const proc = stack.procs.get(unit)!;
    proc.child.kill("SIGKILL");
    await proc.exited;
    try {
      await check();
    } finally {
      await stack.restart(unit);
      await retryUntil(allAnswered, Boolean, 20_000);
    }
  }

  it("answers the signed-in customer's other units while billing is down: every unit answers `me`", async () => {
    const maria = { authorization: `Bearer ${await stack.token("customer", "C000001")}` };
    const ME = `{ me { name stayCount orders(first: 1) { id } consent { email } } }`;
    const full = (await stack.post({ query: ME }, maria)).body;
    expect(full.errors).toBeUndefined();
    await whileDown("billing", async () => {
      const { body } = await stack.post({ query: ME }, maria);
      expect(body.data.me).toEqual({ ...full.data.me, name: null });
      expect(body.errors.map((e: { extensions: { unit: string } }) => e.extensions.unit)).toEqual(["billing"]);
    });
  });

  /*
   * Both planners ask billing for `me { name id }` and bookings for
   * `me { stayCount }`, in parallel: with billing down, the non-null `id`
   * would be missing and null the whole `me`. The gateway asks the next
   * unit answering `me` (bookings, in the supergraph's order) for what of
   * billing's fetch it resolves (the key), so only billing's name is lost.
   * (The root-then-entity-fetch shape is covered in the executor's tests.)
   */
  it("keeps `me { id ... }` while billing is down: the key comes from the next unit that answers `me`", async () => {
    const maria = { authorization: `Bearer ${await stack.token("customer", "C000001")}` };
    await whileDown("billing", async () => {
      const { body } = await stack.post({ query: `{ me { id name stayCount } }` }, { ...maria, "x-explain": "1" });
      expect(body.data.me).toEqual({ id: "C000001", name: null, stayCount: 5 });
      expect(body.errors.map((e: { extensions: { unit: string } }) => e.extensions.unit)).toEqual(["billing"]);
      const { fetches, fallbacks, nulls } = body.extensions.explain;
      expect(fallbacks).toEqual([{ failed: "billing", askedInstead: "bookings", fields: ["me"], operationName: expect.stringMatching(/__fallback__bookings$/), answered: true }]);
      // The fallback is a fetch like any other, recorded beside the plan's two (their order is the parallel branches').
      const seen = fetches.map((f: { unit: string; operationName: string | null; outcome: string }) => `${f.unit} ${f.operationName === fallbacks[0].operationName ? "fallback" : "plan"} ${f.outcome === "ok" ? "ok" : "failed"}`);
      expect(seen.sort()).toEqual(["billing plan failed", "bookings fallback ok", "bookings plan ok"]);
      expect(nulls).toEqual([expect.objectContaining({ path: ["me", "name"], reason: "unit failed", unit: "billing" })]);
    });
  });

  /*
   * The next three rely on the gateway handing a failed unit's fields to
   * later @requires fetches as null, so promotions runs and says what is
   * missing (Apollo's executor skips such a fetch instead).
   */
  const TIMELINE = `query($id: ID!) { customer(id: $id) { timeline(first: 50) { unit ref } timelineMissingUnits offers { code } } }`;

  it.each(["bookings", "retail"])("keeps the other units' touch points while %s is down, names it, and leaves offers out rather than short", async (unit) => {
    const all = (await stack.query(`query($id: ID!) { customer(id: $id) { timeline(first: 200) { unit ref } } }`, { id: "C000001" })).data.customer.timeline as { unit: string; ref: string }[];
    await whileDown(unit, async () => {
      const { data, errors } = await stack.query(TIMELINE, { id: "C000001" });
      expect(data.customer.timeline).toEqual(all.filter((t) => t.unit !== unit.toUpperCase()).slice(0, 50));
      expect(data.customer.timelineMissingUnits).toEqual([unit.toUpperCase()]);
      expect(data.customer.offers).toBeNull();
      const at = (field: string) => errors.filter((e: { path?: string[] }) => e.path?.join(".") === `customer.${field}`).map((e: { extensions: object }) => e.extensions);
      expect(at("timeline")).toEqual([{ code: "UNAVAILABLE", unit }]);
      expect(at("offers")).toEqual([{ code: "UNAVAILABLE", unit }]);
    });
  });

  it("keeps the signed-in customer's timeline while billing is down, naming billing", async () => {
    const maria = { authorization: `Bearer ${await stack.token("customer", "C000001")}` };
    const all = (await stack.post({ query: `{ me { timeline(first: 200) { unit ref } } }` }, maria)).body.data.me.timeline as { unit: string }[];
    await whileDown("billing", async () => {
      const { body } = await stack.post({ query: `{ me { timeline(first: 200) { unit ref } timelineMissingUnits } }` }, maria);
      expect(body.data.me.timeline).toEqual(all.filter((t) => t.unit !== "BILLING"));
      expect(body.data.me.timelineMissingUnits).toEqual(["BILLING"]);
    });
  });
});

/** Where `answer` differs from `before`, to the first differing field. */
function lostPaths(before: unknown, answer: unknown, at = ""): string[] {
  if (JSON.stringify(before) === JSON.stringify(answer)) return [];
  if (before && answer && typeof before === "object" && typeof answer === "object" && !Array.isArray(before)) {
    return Object.keys(before).flatMap((key) => lostPaths((before as Record<string, unknown>)[key], (answer as Record<string, unknown>)[key], at ? `${at}.${key}` : key));
  }
  return [at || "data"];
}
