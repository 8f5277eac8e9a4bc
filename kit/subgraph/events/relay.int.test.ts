import { execFileSync } from "node:child_process";
import type { Knex } from "knex";
import { createSilo } from "../db";
import { createLogger } from "../../log";
import { listen } from "../../../test/support/events";
import { eventually } from "../../../test/support/eventually";
import { tempSiloDir } from "../../../test/support/silo";
import { EventBus } from "../../events/bus";
import { Outbox, type OutboxTable } from "./outbox";
import { brokerAnswers } from "../../events/probe";
import { OutboxRelay } from "./relay";

/**
 * The relay against the real NATS server this machine runs on 127.0.0.1:4222
 * (skipped, saying why, where there is none, unless CI=true): events arrive
 * on their subjects, and a broker that is stopped while the unit writes
 * loses nothing. Other suites may use NATS at the same time, so the server is
 * down only for a few writes and restarted in a `finally`.
 */
const NATS_URL = "nats://127.0.0.1:4222";
const DAEMON = "/usr/sbin/nats-server";
const quiet = createLogger("test", "silent");
const TABLE: OutboxTable = { table: "evt_out", columns: { seq: "seq", customerId: "cust", kind: "kind", occurredAt: "at_ms", body: "body", sentAt: "sent_ms" }, time: (ms) => ms };

const stopNats = () => execFileSync("start-stop-daemon", ["--stop", "--retry", "5", "--exec", DAEMON]);
const startNats = () => execFileSync("start-stop-daemon", ["--start", "--oknodo", "--background", "--exec", DAEMON, "--", "-a", "127.0.0.1", "-p", "4222", "-js", "-sd", "/var/lib/nats-server", "-l", "/var/log/nats-server.log"]);

let reachable = false;
beforeAll(async () => {
  reachable = await brokerAnswers(NATS_URL);
  if (!reachable && process.env.CI === "true") throw new Error(`no NATS server at ${NATS_URL}`);
  if (!reachable) process.stdout.write(`relay.int.test: skipped, no NATS server at ${NATS_URL}\n`);
});

describe("the outbox relay over a real NATS server", () => {
  const silo = tempSiloDir();
  let db: Knex;
  // One customer id per run, so other suites' events on the same server do not count.
  const customer = `T${Date.now().toString(36)}`;
  const subject = `customer-graph.events.retail.${customer}`;

  beforeAll(async () => {
    db = createSilo(silo.url("relay"));
    await db.schema.createTable("evt_out", (t) => {
      t.increments("seq");
      t.string("cust").notNullable();
      t.string("kind").notNullable();
      t.bigInteger("at_ms").notNullable();
      t.text("body").notNullable();
      t.bigInteger("sent_ms").nullable();
    });
  });
  afterAll(async () => {
    await db.destroy();
    silo.cleanup();
  });

  const write = (outbox: Outbox, n: number, kind: string) => Promise.all(Array.from({ length: n }, (_, i) => db.transaction((trx) => outbox.record(trx, { at: Date.now(), kind, customerId: customer, channel: null, ref: String(i) }))));

  it("publishes each event on customer-graph.events.<unit>.<customerId>, and after a broker outage delivers every event written meanwhile", async () => {
    if (!reachable) return;
    const outbox = new Outbox("retail", TABLE, db);
    const bus = new EventBus(NATS_URL, "relay-test", quiet, { baseMs: 100, maxMs: 500 });
    const relay = new OutboxRelay(outbox, bus, quiet, { pollMs: 50, backoffMs: 100, maxBackoffMs: 1000, confirmWithinMs: 1000 });
    const listener = await listen(NATS_URL, subject);
    try {
      relay.start();
      await write(outbox, 3, "before-outage");
      await eventually(
        "the first three events",
        () => listener.events.length,
        (n) => n === 3,
        10_000,
      );
      expect(listener.events[0]).toMatchObject({ unit: "retail", kind: "before-outage", customerId: customer, id: expect.stringMatching(/^retail-\d+$/) });

      stopNats();
      try {
        await write(outbox, 5, "during-outage");
        // Nothing can have been confirmed by a stopped server: all five wait in the silo.
        expect(await outbox.pending()).toBe(5);
      } finally {
        startNats();
      }
      await eventually(
        "all eight events, after the broker came back",
        () => listener.events.length,
        (n) => n === 8,
        30_000,
      );
      expect(listener.events.filter((e) => e.kind === "during-outage")).toHaveLength(5);
      expect(new Set(listener.events.map((e) => e.id)).size).toBe(8);
      expect(await outbox.pending()).toBe(0);
    } finally {
      await relay.stop();
      await bus.close();
      await listener.close();
    }
  }, 60_000);
});
