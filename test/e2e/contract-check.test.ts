import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { unitNames } from "../../kit/manifest";
import { ROOT } from "../../scripts/manifest";

/**
 * `npm run contract-check` as a unit runs it (the compiled CLI): promotions
 * from code against committed schemas that differ from it the way a change
 * would, one removal and one addition.
 */
const run = promisify(execFile);

async function check(unit: string, schemaDir: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [join(ROOT, "dist", "scripts", "contract-check.js"), unit, "--schema-dir", schemaDir]);
    return { code: 0, out: stdout };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout + failed.stderr };
  }
}

describe("npm run contract-check", () => {
  const dir = mkdtempSync(join(tmpdir(), "cg-contract-"));
  const committed = readFileSync(join(ROOT, "schema", "supergraph.graphql"), "utf8");
  beforeAll(() => cpSync(join(ROOT, "schema"), dir, { recursive: true }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("fails a unit whose code removed a field clients had, and passes one whose code only adds", async () => {
    // Committed: Offer had legacyCode, which promotions' code no longer has.
    writeFileSync(join(dir, "supergraph.graphql"), committed.replace(/(type Offer\n[^{]*\{\n)/, "$1  legacyCode: String @join__field(graph: PROMOTIONS)\n\n"));
    const removed = await check("promotions", dir);
    expect(removed.code).toBe(1);
    expect(removed.out).toContain(
      `promotions from code composes with ${unitNames()
        .filter((u) => u !== "promotions")
        .join(", ")} as in `,
    );
    expect(removed.out).toMatch(/✗ Offer\.legacyCode was removed\.\s+\(FIELD_REMOVED\)/);
    expect(removed.out).toMatch(/do not deploy promotions alone/);

    // Committed: Query had no publicOffers yet, which promotions' code adds.
    writeFileSync(join(dir, "supergraph.graphql"), committed.replace(/\n\s*"""[^"]*"""\n\s*publicOffers: .*\n/, "\n"));
    const added = await check("promotions", dir);
    expect(added.out).toMatch(/\+ Query\.publicOffers/);
    expect(added.out).toMatch(/✓ no breaking change: promotions can be deployed without the other units/);
    expect(added.code).toBe(0);
  }, 30_000);

  it("fails a unit that would not fail alone, saying why", async () => {
    // Deployed: billing made the customer's name non-null, so billing would own Customer; retail's
    // Order.customer is non-null, so a billing outage would null retail's orders.
    cpSync(join(ROOT, "schema"), dir, { recursive: true });
    const billing = readFileSync(join(ROOT, "schema", "billing.graphql"), "utf8");
    writeFileSync(join(dir, "billing.graphql"), billing.replace(/^(\s+name): String$/m, "$1: String!"));
    const retail = await check("retail", dir);
    expect(retail.out).toMatch(/✗ retail would not fail alone/);
    expect(retail.out).toMatch(/Order\.customer \(retail\) is a non-null Customer, owned by billing: when billing fails, the null reaches retail's Order\. Make it nullable/);
    expect(retail.code).toBe(1);
    expect((await check("bookings", join(ROOT, "schema"))).out).toMatch(/✓ bookings fails alone/);
  }, 30_000);
});
