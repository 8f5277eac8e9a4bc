import { type GraphReader, type UnitServer, unpackTouchPoints } from "../../kit/subgraph";
import { execute } from "../../test/support/execute";
import { recordedKinds, withoutOutbox } from "../../test/support/outbox";
import { countStatements, tempSiloDir } from "../../test/support/silo";
import { type CareContext, unit } from "./unit";
import { careOutbox } from "./silo/migrations";

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer {
  id openCaseCount cases { id openedAt channel topic status history { at channel direction kind summary outcome } }
  careTouchPoints
} } }`;
const customers = (...ids: string[]) => ({ r: ids.map((id) => ({ __typename: "Customer", id })) });

/** Billing's answer to "is this a customer?", as the graph would give it: the demo's ids. */
const knownCustomers: GraphReader = {
  read: async <T>(_query: string, variables: Record<string, unknown>) => ({ customer: /^C000\d{3}$/.test(String(variables.id)) ? { id: variables.id } : null }) as T,
};

const LOG = `mutation($customerId: ID!, $caseId: ID, $kind: String!, $summary: String!, $outcome: String, $key: String) {
  logContact(customerId: $customerId, caseId: $caseId, channel: STORE, direction: INBOUND, kind: $kind, summary: $summary, outcome: $outcome, idempotencyKey: $key) { id status topic history { kind summary outcome direction channel } }
}`;
const RESOLVE = `mutation($caseId: ID!, $key: String) { resolveCase(caseId: $caseId, resolution: "Refunded one night", idempotencyKey: $key) { id status resolvedAt resolution history { kind direction } } }`;

describe("care subgraph over a fresh SQLite silo", () => {
  const silo = tempSiloDir();
  let care: UnitServer<CareContext>;
  const asAgent = { channel: "CALL_CENTER" as never };

  beforeAll(async () => {
    care = await unit.create(unit.loadConfig({ CARE_DB_URL: silo.url("care"), CARE_TIME_ZONE: "Europe/Lisbon" }), { graph: knownCustomers });
  });
  afterAll(async () => {
    await care.db.destroy();
    silo.cleanup();
  });

  it("maps the seeded stories from care's conventions: Maria's open complaint, Tom's resolved query", async () => {
    const { data, errors } = await execute(care.subgraph, ENTITIES, customers("C000001", "C000002", "C000004"));
    expect(errors).toBeUndefined();
    const [maria, tom, jonas] = data!._entities;
    expect(maria.openCaseCount).toBe(1);
    expect(maria.cases[0]).toMatchObject({ id: "CS-000002", topic: "Noisy room at Harbour House Lisbon", status: "OPEN", channel: "STORE", openedAt: "2025-09-16T22:40:00.000Z" });
    expect(maria.cases[0].history.map((e: { channel: string; direction: string; kind: string }) => `${e.channel} ${e.direction} ${e.kind}`)).toEqual(["STORE INBOUND complaint", "CALL_CENTER INBOUND complaint", "CALL_CENTER OUTBOUND proposal"]);
    // Logged at a Berlin desk in local time: the zone column puts it back in UTC.
    expect(maria.cases[0].history[2]).toMatchObject({ at: "2025-09-17T09:30:00.000Z", outcome: "declined: wants a refund of one night" });
    expect(tom).toMatchObject({ openCaseCount: 0, cases: [{ id: "CS-000001", status: "RESOLVED", topic: "Charged twice for order" }] });
    expect(tom.cases[0].history.at(-1)).toMatchObject({ kind: "resolution", direction: "OUTBOUND" });
    expect(jonas).toEqual({ id: "C000004", openCaseCount: 0, cases: [], careTouchPoints: "[]" });
    expect(unpackTouchPoints(maria.careTouchPoints, "CARE")[0]).toEqual({
      at: "2025-09-17T09:30:00.000Z",
      unit: "CARE",
      channel: "CALL_CENTER",
      kind: "care-proposal",
      summary: "Noisy room at Harbour House Lisbon: Offered a 10% voucher on the next stay (declined: wants a refund of one night)",
      ref: "CS-000002",
    });
  });

  it("reads a batch of customers in a fixed number of statements, however many there are", async () => {
    const count = async (n: number) => {
      const statements = countStatements(care.db);
      const ids = Array.from({ length: n }, (_, i) => `C${String(i + 1).padStart(6, "0")}`);
      const { errors } = await execute(care.subgraph, ENTITIES, customers(...ids));
      statements.stop();
      expect(errors).toBeUndefined();
      return statements.count;
    };
    expect(await count(3)).toBe(await count(300));
  });

  it("filters cases by status", async () => {
    const { data } = await execute(care.subgraph, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { open: cases(status: OPEN) { id } resolved: cases(status: RESOLVED, first: 1) { id } } } }`, customers("C000001", "C000002"));
    expect(data!._entities).toEqual([
      { open: [{ id: "CS-000002" }], resolved: [] },
      { open: [], resolved: [{ id: "CS-000001" }] },
    ]);
  });

  it("logs a contact on a new case and on an open case exactly once per key, then resolves it exactly once", async () => {
    const opened = await execute(care.subgraph, LOG, { customerId: "C000004", kind: "Complaint", summary: "Booking e-mail never arrived", key: "care-test-1" }, asAgent);
    expect(opened.errors).toBeUndefined();
    const caseId = opened.data!.logContact.id;
    expect(caseId).toMatch(/^CS-\d{6}$/);
    expect(opened.data!.logContact).toMatchObject({ status: "OPEN", topic: "Booking e-mail never arrived", history: [{ kind: "complaint", direction: "INBOUND", channel: "STORE", outcome: null }] });
    const again = await execute(care.subgraph, LOG, { customerId: "C000004", kind: "Complaint", summary: "Booking e-mail never arrived", key: "care-test-1" }, asAgent);
    expect(again.data!.logContact.id).toBe(caseId);
    expect(again.data!.logContact.history).toHaveLength(1);

    const added = await execute(care.subgraph, LOG, { customerId: "C000004", caseId, kind: "callback", summary: "Resent it", outcome: "received", key: "care-test-2" }, asAgent);
    expect(added.data!.logContact.history.map((e: { kind: string }) => e.kind)).toEqual(["complaint", "callback"]);
    const counts = await execute(care.subgraph, ENTITIES, customers("C000004"));
    expect(counts.data!._entities[0].openCaseCount).toBe(1);

    const [first, retry] = await Promise.all([execute(care.subgraph, RESOLVE, { caseId, key: "care-test-3" }, asAgent), execute(care.subgraph, RESOLVE, { caseId, key: "care-test-3" }, asAgent)]);
    expect(first.errors).toBeUndefined();
    expect(retry.data).toEqual(first.data);
    expect(first.data!.resolveCase).toMatchObject({ status: "RESOLVED", resolution: "Refunded one night", history: [{ kind: "complaint" }, { kind: "callback" }, { kind: "resolution", direction: "OUTBOUND" }] });
    const after = await execute(care.subgraph, ENTITIES, customers("C000004"));
    expect(after.data!._entities[0].openCaseCount).toBe(0);

    // One event per write, in the write's transaction; the retries wrote nothing, so announced nothing.
    const events = await care.db("crm_event_outbox").where({ cust_no: "C000004" }).orderBy("event_id");
    expect(events.map((e) => [e.event_kind, JSON.parse(e.payload).ref, JSON.parse(e.payload).channel, e.published_ms])).toEqual([
      ["contact-logged", caseId, "CALL_CENTER", null],
      ["contact-logged", caseId, "CALL_CENTER", null],
      ["case-resolved", caseId, "CALL_CENTER", null],
    ]);
  });

  it("records a write's event with it, or neither: a write whose event cannot be recorded leaves no trace", async () => {
    const before = await care.db("crm_case").count({ n: "*" });
    const outcome = await withoutOutbox(care.db, careOutbox, () => execute(care.subgraph, LOG, { customerId: "C000005", kind: "complaint", summary: "Lost luggage", key: "care-test-rollback" }, asAgent));
    expect(outcome.errors?.map((e) => e.extensions?.code)).toEqual(["INTERNAL_SERVER_ERROR"]);
    expect(await care.db("crm_case").count({ n: "*" })).toEqual(before);
    expect(await care.db("crm_contact").where({ idem_key: "care-test-rollback" })).toEqual([]);

    const resolved = await withoutOutbox(care.db, careOutbox, () => execute(care.subgraph, RESOLVE, { caseId: "CS-000002", key: "care-test-rollback-2" }, asAgent));
    expect(resolved.errors?.map((e) => e.extensions?.code)).toEqual(["INTERNAL_SERVER_ERROR"]);
    expect(await care.db("crm_case").where({ case_no: "CS-000002" }).first()).toMatchObject({ state: "W", resolution: null });
    expect(await recordedKinds(care.db, careOutbox, "C000001")).toEqual([]);
    expect(await recordedKinds(care.db, careOutbox, "C000005")).toEqual([]);
  });

  it("refuses what it cannot do, with a code, writing nothing", async () => {
    const codes = async (query: string, variables: Record<string, unknown>, base: Record<string, unknown> = asAgent) => (await execute(care.subgraph, query, variables, base)).errors?.map((e) => e.extensions?.code);
    const before = await care.db("crm_contact").count({ n: "*" });
    const eventsBefore = await care.db("crm_event_outbox").count({ n: "*" });
    expect(await codes(LOG, { customerId: "C999999", kind: "complaint", summary: "x" })).toEqual(["NOT_FOUND"]);
    expect(await codes(LOG, { customerId: "C000003", caseId: "CS-000002", kind: "complaint", summary: "x" })).toEqual(["NOT_FOUND"]); // Maria's case
    expect(await codes(LOG, { customerId: "C000002", caseId: "CS-000001", kind: "complaint", summary: "x" })).toEqual(["CONFLICT"]); // resolved
    expect(await codes(RESOLVE, { caseId: "CS-000001" })).toEqual(["CONFLICT"]);
    expect(await codes(LOG, { customerId: "C000001", kind: "complaint", summary: " " })).toEqual(["BAD_USER_INPUT"]);
    expect(await codes(LOG, { customerId: "C000001", kind: "complaint", summary: "other text", key: "care-test-1" })).toEqual(["BAD_USER_INPUT"]);
    expect(await codes(LOG, { customerId: "C000001", kind: "complaint", summary: "x" }, { channel: null })).toEqual(["BAD_USER_INPUT"]);
    expect(await care.db("crm_contact").count({ n: "*" })).toEqual(before);
    expect(await care.db("crm_event_outbox").count({ n: "*" })).toEqual(eventsBefore);
  });

  it("lets agents write and customers read only their own cases", async () => {
    const maria = { identity: { role: "customer", subject: "C000001", customerId: "C000001" } as never, channel: "WEB" as never };
    expect((await execute(care.subgraph, ENTITIES, customers("C000001"), maria)).errors).toBeUndefined();
    expect((await execute(care.subgraph, ENTITIES, customers("C000002"), maria)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await execute(care.subgraph, LOG, { customerId: "C000001", caseId: "CS-000002", kind: "complaint", summary: "still noisy" }, maria)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await execute(care.subgraph, RESOLVE, { caseId: "CS-000002" }, maria)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    // Nor partners or anonymous callers, on any channel; and none of them reads a case.
    for (const [identity, code] of [
      [{ role: "partner", subject: "travel-co" }, "FORBIDDEN"],
      [null, "UNAUTHENTICATED"],
    ] as [never, string][]) {
      const as = { identity, channel: "PARTNER" as never };
      expect((await execute(care.subgraph, LOG, { customerId: "C000001", caseId: "CS-000002", kind: "complaint", summary: "still noisy" }, as)).errors?.[0].extensions?.code).toBe(code);
      expect((await execute(care.subgraph, RESOLVE, { caseId: "CS-000002" }, as)).errors?.[0].extensions?.code).toBe(code);
      expect((await execute(care.subgraph, ENTITIES, customers("C000001"), as)).errors?.[0].extensions?.code).toBe(code);
    }
    expect(await care.db("crm_case").where({ case_no: "CS-000002" }).first()).toMatchObject({ state: "W" });
  });
});
