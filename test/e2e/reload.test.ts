import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { composeUnits } from "../../scripts/compose";
import { ROOT, readManifest } from "../../scripts/manifest";
import { eventually } from "../support/eventually";
import { startLoad } from "../support/load";
import { type Stack, startStack } from "../support/stack";
import { PER_UNIT } from "./queries";

/**
 * Supergraph hot reload over five real processes: the gateway watches a
 * supergraph file in a temporary directory. The first one lacks
 * `Customer.phone` (composed from the committed subgraph SDL minus that
 * field); the second has it. Both name subgraph URLs where nothing listens,
 * so every answer proves the SUBGRAPH_<NAME>_URL overrides survived.
 */
const BODY = { query: PER_UNIT, variables: { id: "C000001" } };
const FULL = { billing: { name: "Maria Schmidt" }, bookings: { stayCount: 5 }, retail: { loyalty: { tier: "GOLD" } }, promotions: { consent: { email: true } } };
const PHONE = { query: `{ customer(id: "C000001") { id phone } }` };

async function compose(port: number, edit: (name: string, sdl: string) => string = (_n, sdl) => sdl): Promise<string> {
  const entries = readManifest().map((e) => ({ ...e, port }));
  const sdls = new Map(entries.map(({ name }) => [name, edit(name, readFileSync(join(ROOT, "schema", `${name}.graphql`), "utf8"))]));
  return `${(await composeUnits(entries, sdls)).supergraph}\n`;
}

describe("supergraph hot reload (five real processes)", () => {
  const dir = mkdtempSync(join(tmpdir(), "cg-reload-"));
  const path = join(dir, "supergraph.graphql");
  let stack: Stack;
  let withPhone = "";

  const logged = (msg: string) => (stack.logs.get("gateway") ?? []).filter((line) => line.includes(`"msg":"${msg}`)).length;

  beforeAll(async () => {
    // Port 9 and then port 1: nothing listens there, and the change makes the gateway build new data sources.
    const withoutPhone = (name: string, sdl: string) => (name === "billing" ? sdl.replace(/^ *"""[^\n]*"""\n *phone: String\n/m, "") : sdl);
    writeFileSync(path, await compose(9, withoutPhone));
    withPhone = await compose(1);
    stack = await startStack({ gatewayEnv: { SUPERGRAPH_PATH: path, GATEWAY_LOG_LEVEL: "info" } });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("swaps in a supergraph with a new field while requests flow, and none fails", async () => {
    const before = await stack.post(PHONE);
    expect(before.body.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");

    const load = startLoad(stack.gatewayUrl, BODY, 4);
    await new Promise((r) => setTimeout(r, 300));
    const swappedAt = Date.now();
    writeFileSync(path, withPhone);
    await eventually("Customer.phone served", async () => (await stack.post(PHONE)).body.errors === undefined);
    const reloadedAt = Date.now();
    await new Promise((r) => setTimeout(r, 300));
    const samples = await load.stop();

    // Requests flowed on both sides of the swap (and through it).
    expect(samples.some((s) => s.at < swappedAt)).toBe(true);
    expect(samples.some((s) => s.at > reloadedAt)).toBe(true);
    for (const s of samples) {
      expect(s.status).toBe(200);
      expect(s.errors).toEqual([]);
      expect(s.data).toEqual(FULL);
    }
    expect(logged("supergraph reloaded")).toBe(1);
    expect((await stack.post(PHONE)).body.data.customer).toHaveProperty("phone");
  }, 20_000);

  it("refuses a half-written or invalid supergraph and keeps serving the one it has", async () => {
    const load = startLoad(stack.gatewayUrl, BODY, 2);
    writeFileSync(path, withPhone.slice(0, withPhone.length / 2));
    await eventually("the half-written file refused", () => logged("supergraph refused") === 1);
    // Valid GraphQL, invalid supergraph: only validation catches it (NODE_ENV=production would skip it by default).
    writeFileSync(path, withPhone.replace("phone: String @join__field(graph: BILLING)", "phone: String @join__field(graph: NOWHERE)"));
    await eventually("the invalid supergraph refused", () => logged("supergraph refused") === 2);
    const samples = await load.stop();

    expect(samples.every((s) => s.status === 200 && s.errors.length === 0)).toBe(true);
    expect((await stack.post(PHONE)).body.errors).toBeUndefined();
    expect(logged("supergraph reloaded")).toBe(1);
    expect(stack.procs.get("gateway")!.child.exitCode).toBeNull();
  }, 20_000);
});
