import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createSilo, siloSchema } from "../../kit/subgraph";
import { createLogger } from "../../kit/log";
import { ROOT, UNIT_ENTRY } from "../../scripts/manifest";
import { unit as billing } from "../../subgraphs/billing/unit";
import { unit as care } from "../../subgraphs/care/unit";
import { careOutbox } from "../../subgraphs/care/silo/migrations";
import { recordedKinds } from "../support/outbox";
import { describeEachDialect } from "../support/dialects";
import { execute } from "../support/execute";
import { type ScratchSilo, scratchSilo } from "../support/silos";

/**
 * A unit over a database it did not create (BILLING_DB_MIGRATE=false or
 * --no-migrate): it changes nothing, checks at start that the tables and
 * columns its migrations define are there, and refuses to start naming
 * whatever is missing. Billing, on each dialect. Its outbox table
 * (evt_outbox) is among them: every write records its event there in the same
 * transaction, and the relay reads it.
 */
const readOnly = (url: string) => billing.create(billing.loadConfig({ BILLING_DB_URL: url, BILLING_DB_MIGRATE: "false" }));
const quiet = createLogger("test", "silent");

describeEachDialect("billing over an existing database", (dialect) => {
  let silo: ScratchSilo;
  beforeAll(async () => {
    silo = await scratchSilo(dialect, "billingro");
  });
  afterAll(async () => {
    await silo?.cleanup();
  });

  it("refuses to start over an empty database, naming every table it reads, and creates none", async () => {
    await expect(readOnly(silo.url)).rejects.toThrow(
      /the billing silo at .* lacks what the billing subgraph reads: tables acct_holder, evt_outbox, inv_hdr, inv_line\. Point BILLING_DB_URL at the unit's database, or let the unit create its tables \(BILLING_DB_MIGRATE=true\)/,
    );
    const db = createSilo(silo.url, { logger: quiet });
    expect([...(await siloSchema(db)).keys()]).toEqual([]);
    await db.destroy();
  });

  it("names a missing column, then serves the database as it is once the column is back", async () => {
    // Someone else's silo: made and filled here by the unit itself, then
    // stripped of knex's bookkeeping and of one column billing reads.
    await (await billing.create(billing.loadConfig({ BILLING_DB_URL: silo.url }))).db.destroy();
    const db = createSilo(silo.url, { logger: quiet });
    try {
      await db.schema.dropTable("knex_migrations");
      await db.schema.dropTable("knex_migrations_lock");
      await db.schema.alterTable("inv_line", (t) => t.dropColumn("sku_ref"));
      await expect(readOnly(silo.url)).rejects.toThrow(/lacks what the billing subgraph reads: columns inv_line\.sku_ref\./);

      await db.schema.alterTable("inv_line", (t) => t.string("sku_ref", 16).nullable());
      const billing = await readOnly(silo.url);
      try {
        const { data, errors } = await execute(billing.subgraph, `{ customer(id: "C000001") { name invoices(first: 1) { lines { description } } } }`);
        expect(errors).toBeUndefined();
        expect(data!.customer.name).toBe("Maria Schmidt");
      } finally {
        await billing.db.destroy();
      }
      // Read-only: no migration bookkeeping was written.
      expect([...(await siloSchema(db)).keys()].sort()).toEqual(["acct_holder", "evt_outbox", "inv_hdr", "inv_line"]);
    } finally {
      await db.destroy();
    }
  });

  if (dialect === "sqlite") {
    it("takes --no-migrate on the command line, and exits non-zero with the message", () => {
      const empty = silo.url.replace(/billingro\.sqlite$/, "empty.sqlite");
      const run = spawnSync(process.execPath, [join(ROOT, UNIT_ENTRY), "billing", "--no-migrate"], { env: { ...process.env, BILLING_DB_URL: empty, BILLING_PORT: "0" }, encoding: "utf8", timeout: 30_000 });
      expect(run.status).toBe(1);
      // One JSON log line says why (on stdout, as every log line).
      const output = run.stdout + run.stderr;
      expect(output).toMatch(/failed to start/);
      expect(output).toMatch(/lacks what the billing subgraph reads: tables acct_holder, evt_outbox, inv_hdr, inv_line/);
    });
  }
});

/**
 * The same for care, the unit added last (scaffolded, then grown): over a
 * database it did not create it refuses to start without its outbox, and
 * once it starts its reads are answered and its writes still record their
 * events, changing no table.
 */
const careReadOnly = (url: string) => care.create(care.loadConfig({ CARE_DB_URL: url, CARE_DB_MIGRATE: "false", CARE_LOG_LEVEL: "error" }));

describeEachDialect("care over an existing database", (dialect) => {
  let silo: ScratchSilo;
  beforeAll(async () => {
    silo = await scratchSilo(dialect, "carero");
  });
  afterAll(async () => {
    await silo?.cleanup();
  });

  it("refuses to start over an empty database, naming every table it reads, and creates none", async () => {
    await expect(careReadOnly(silo.url)).rejects.toThrow(
      /the care silo at .* lacks what the care subgraph reads: tables crm_case, crm_contact, crm_event_outbox\. Point CARE_DB_URL at the unit's database, or let the unit create its tables \(CARE_DB_MIGRATE=true\)/,
    );
    const db = createSilo(silo.url, { logger: quiet });
    expect([...(await siloSchema(db)).keys()]).toEqual([]);
    await db.destroy();
  });

  it("names a missing column, then answers reads and records each write's event, creating nothing", async () => {
    await (await care.create(care.loadConfig({ CARE_DB_URL: silo.url, CARE_LOG_LEVEL: "error" }))).db.destroy();
    const db = createSilo(silo.url, { logger: quiet });
    try {
      await db.schema.dropTable("knex_migrations");
      await db.schema.dropTable("knex_migrations_lock");
      await db.schema.alterTable("crm_contact", (t) => t.dropColumn("outcome"));
      await expect(careReadOnly(silo.url)).rejects.toThrow(/lacks what the care subgraph reads: columns crm_contact\.outcome\./);

      await db.schema.alterTable("crm_contact", (t) => t.text("outcome").nullable());
      const care = await careReadOnly(silo.url);
      try {
        const agent = { channel: "CALL_CENTER" as never };
        const read = await execute(care.subgraph, `{ _entities(representations: [{ __typename: "Customer", id: "C000001" }]) { ... on Customer { openCaseCount cases(status: OPEN) { id } } } }`, {}, agent);
        expect(read.errors).toBeUndefined();
        expect(read.data!._entities).toEqual([{ openCaseCount: 1, cases: [{ id: "CS-000002" }] }]);
        const written = await execute(
          care.subgraph,
          `mutation { logContact(customerId: "C000001", caseId: "CS-000002", direction: OUTBOUND, kind: "callback", summary: "Called back about the room", idempotencyKey: "read-only-1") { history { kind } } }`,
          {},
          agent,
        );
        expect(written.errors).toBeUndefined();
        expect(written.data!.logContact.history.at(-1)).toEqual({ kind: "callback" });
        expect(await recordedKinds(db, careOutbox, "C000001")).toEqual(["contact-logged"]);
      } finally {
        await care.db.destroy();
      }
      expect([...(await siloSchema(db)).keys()].sort()).toEqual(["crm_case", "crm_contact", "crm_event_outbox"]);
    } finally {
      await db.destroy();
    }
  });
});
