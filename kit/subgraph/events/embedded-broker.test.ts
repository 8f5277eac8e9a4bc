import { Outbox } from "./outbox";
import { EventBus } from "../../events/bus";
import { OutboxRelay } from "./relay";
import { startEmbeddedBroker, subjectMatches } from "../../events/embedded-broker";
import { followCustomer } from "../../events/follow";
import { createSilo } from "../db";
import { createLogger } from "../../log";
import { listen } from "../../../test/support/events";
import { eventually } from "../../../test/support/eventually";
import { tempSiloDir } from "../../../test/support/silo";
import type { Knex } from "knex";
import type { OutboxTable } from "./outbox";

const quiet = createLogger("test", "silent");
const TABLE: OutboxTable = { table: "evt_out", columns: { seq: "seq", customerId: "cust", kind: "kind", occurredAt: "at_ms", body: "body", sentAt: "sent_ms" }, time: (ms) => ms };

async function outboxSilo(url: string): Promise<Knex> {
  const db = createSilo(url);
  await db.schema.createTable("evt_out", (t) => {
    t.increments("seq");
    t.string("cust").notNullable();
    t.string("kind").notNullable();
    t.bigInteger("at_ms").notNullable();
    t.text("body").notNullable();
    t.bigInteger("sent_ms").nullable();
  });
  await db.schema.createTable("thing", (t) => t.string("name"));
  return db;
}

describe("subject wildcards", () => {
  it("matches * as one token and > as the rest", () => {
    const t = (s: string) => s.split(".");
    expect(subjectMatches(t("customer-graph.events.*.C1"), t("customer-graph.events.retail.C1"))).toBe(true);
    expect(subjectMatches(t("customer-graph.events.*.C1"), t("customer-graph.events.retail.C2"))).toBe(false);
    expect(subjectMatches(t("customer-graph.>"), t("customer-graph.events.retail.C2"))).toBe(true);
    expect(subjectMatches(t("customer-graph.>"), t("customer-graph"))).toBe(false);
  });
});

describe("the outbox, the relay and the embedded broker", () => {
  const silo = tempSiloDir();
  let db: Knex;
  afterAll(async () => {
    await db?.destroy();
    silo.cleanup();
  });

  it("commits or rolls back an event with its write", async () => {
    db = await outboxSilo(silo.url("kit"));
    const outbox = new Outbox("promotions", TABLE, db);
    await db.transaction(async (trx) => {
      await trx("thing").insert({ name: "kept" });
      await outbox.record(trx, { at: Date.parse("2026-05-01T10:00:00Z"), kind: "thing-made", customerId: "C000001", channel: null, ref: "1" });
    });
    await expect(
      db.transaction(async (trx) => {
        await trx("thing").insert({ name: "undone" });
        await outbox.record(trx, { at: Date.now(), kind: "thing-made", customerId: "C000001", channel: null, ref: "2" });
        throw new Error("the write fails after its event was recorded");
      }),
    ).rejects.toThrow("the write fails");
    expect(await db("thing").pluck("name")).toEqual(["kept"]);
    expect(await outbox.pending()).toBe(1);
    // A customer id that could not be a subject is refused before anything is written.
    await expect(db.transaction((trx) => outbox.record(trx, { at: Date.now(), kind: "x", customerId: "C.1 *", channel: null, ref: null }))).rejects.toThrow(/subject/);
  });

  it("publishes every unsent row once, in order, to a subscriber on another connection; a follower sees its customer's events", async () => {
    const broker = await startEmbeddedBroker(0);
    const outbox = new Outbox("promotions", TABLE, db);
    const bus = new EventBus(broker.url, "test", quiet);
    const relay = new OutboxRelay(outbox, bus, quiet, { pollMs: 20 });
    const listener = await listen(broker.url, "customer-graph.events.promotions.*");
    const followerBus = new EventBus(broker.url, "follower", quiet);
    const follower = followCustomer(followerBus, "C000002");
    const next = follower.next();
    try {
      relay.start();
      for (let i = 0; i < 5; i += 1) {
        await db.transaction((trx) => outbox.record(trx, { at: Date.now(), kind: "thing-made", customerId: i % 2 ? "C000002" : "C000001", channel: null, ref: String(i) }));
      }
      await eventually(
        "all six events published",
        () => listener.events.length,
        (n) => n === 6,
      );
      expect(listener.events.map((e) => e.id)).toEqual(["promotions-1", "promotions-2", "promotions-3", "promotions-4", "promotions-5", "promotions-6"]);
      expect(listener.events[0]).toEqual({ id: "promotions-1", at: "2026-05-01T10:00:00.000Z", unit: "promotions", kind: "thing-made", customerId: "C000001", channel: null, ref: "1" });
      expect(await outbox.pending()).toBe(0);
      expect((await next).value).toMatchObject({ customerId: "C000002", ref: "1" });
    } finally {
      await follower.return!();
      await followerBus.close();
      await relay.stop();
      await bus.close();
      await listener.close();
      await broker.close();
    }
  });
});
