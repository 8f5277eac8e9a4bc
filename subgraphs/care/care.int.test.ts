import type { GraphReader } from "../../kit/subgraph";
import { describeOnEveryDialect, expectEveryDialectToRead } from "../../test/support/dialects";
import { execute } from "../../test/support/execute";
import { recordedKinds, withoutOutbox } from "../../test/support/outbox";
import { unit } from "./unit";
import { careOutbox } from "./silo/migrations";

const customers = (...ids: string[]) => ids.map((id) => ({ __typename: "Customer", id }));

/** Billing's answer to "is this a customer?", as the graph gives it for the demo's ids. */
const knownCustomers: GraphReader = {
  read: async <T>(_query: string, variables: Record<string, unknown>) => ({ customer: /^C\d{6}$/.test(String(variables.id)) && String(variables.id) <= "C001000" ? { id: variables.id } : null }) as T,
};

/** Every statement care's repositories run, asked the same way of each dialect. */
const OPERATIONS = {
  customers: {
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id openCaseCount
      all: cases(first: 5) { id openedAt channel topic status resolvedAt resolution history { at channel direction kind summary outcome } }
      open: cases(status: OPEN) { id } resolved: cases(status: RESOLVED, first: 1) { id }
      careTouchPoints } } }`,
    variables: { r: customers("C000001", "C000002", "C000003", "C000500", "C999999") },
  },
};

const LOG = `mutation($c: ID!, $case: ID, $k: String) { logContact(customerId: $c, caseId: $case, channel: STORE, direction: INBOUND, kind: "complaint", summary: "Room too noisy", idempotencyKey: $k) { id status history { kind } } }`;
const RESOLVE = `mutation($id: ID!, $text: String!, $k: String) { resolveCase(caseId: $id, resolution: $text, idempotencyKey: $k) { id status resolution } }`;

describeOnEveryDialect(
  "care",
  (url) => unit.create(unit.loadConfig({ CARE_DB_URL: url, CARE_TIME_ZONE: "Europe/Berlin" }), { graph: knownCustomers }),
  OPERATIONS,
  (booted) => {
    it("reads local times with their zone column as the same UTC instants on each dialect, across a change to summer time", () =>
      expectEveryDialectToRead(
        booted(),
        async ({ server }) => {
          await server.db("crm_case").insert({ case_no: "CS-900001", cust_no: "C900001", topic: "Exact time", opened_local: "2026-03-29 03:30:00", opened_tz: "Europe/Berlin", opened_via: "DESK", state: "W" });
          await server.db("crm_contact").insert([
            { case_no: "CS-900001", logged_local: "2026-03-29 03:30:00", logged_tz: "Europe/Berlin", via: "DESK", dir: "IN", kind: "complaint", note: "Clock jumped", outcome: null },
            { case_no: "CS-900001", logged_local: "2026-03-29 00:40:00", logged_tz: "Europe/Lisbon", via: "TEL", dir: "OUT", kind: "callback", note: "Called back from Lisbon", outcome: "explained" },
          ]);
        },
        { query: `{ _entities(representations: [{ __typename: "Customer", id: "C900001" }]) { ... on Customer { openCaseCount cases { openedAt history { at channel direction } } careTouchPoints } } }` },
        {
          _entities: [
            {
              openCaseCount: 1,
              // Berlin went from UTC+1 to UTC+2 at 02:00 local time; Lisbon was still on UTC at 00:40.
              cases: [
                {
                  openedAt: "2026-03-29T01:30:00.000Z",
                  history: [
                    { at: "2026-03-29T01:30:00.000Z", channel: "STORE", direction: "INBOUND" },
                    { at: "2026-03-29T00:40:00.000Z", channel: "CALL_CENTER", direction: "OUTBOUND" },
                  ],
                },
              ],
              careTouchPoints: JSON.stringify([
                ["2026-03-29T01:30:00.000Z", "STORE", "care-complaint", "Exact time: Clock jumped", "CS-900001"],
                ["2026-03-29T00:40:00.000Z", "CALL_CENTER", "care-callback", "Exact time: Called back from Lisbon (explained)", "CS-900001"],
              ]),
            },
          ],
        },
      ));

    it("writes exactly once on each dialect: concurrent retries of a complaint open one case, two agents resolving it settle on one resolution", async () => {
      for (const { dialect, server } of booted()) {
        const agent = { channel: "CALL_CENTER" as never };
        const opened = await Promise.all(Array.from({ length: 5 }, () => execute(server.subgraph, LOG, { c: "C000004", k: `int-${dialect}-open` }, agent)));
        for (const o of opened) expect({ dialect, errors: o.errors }).toEqual({ dialect, errors: undefined });
        const caseId = opened[0].data!.logContact.id;
        expect(new Set(opened.map((o) => o.data!.logContact.id))).toEqual(new Set([caseId]));
        expect(caseId).toMatch(/^CS-\d{6}$/);
        expect(Number((await server.db("crm_contact").where({ case_no: caseId }).count({ n: "*" }))[0].n)).toBe(1);

        const resolutions = await Promise.all(["Refunded one night", "Moved to a quiet room"].map((text, i) => execute(server.subgraph, RESOLVE, { id: caseId, text, k: `int-${dialect}-resolve-${i}` }, agent)));
        const won = resolutions.filter((r) => !r.errors);
        expect({ dialect, won: won.length, codes: resolutions.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code) }).toEqual({ dialect, won: 1, codes: ["CONFLICT"] });
        const after = await execute(server.subgraph, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { openCaseCount cases(first: 1) { id status resolution history { kind } } } } }`, { r: customers("C000004") });
        expect(after.data!._entities[0]).toEqual({ openCaseCount: 0, cases: [{ id: caseId, status: "RESOLVED", resolution: won[0].data!.resolveCase.resolution, history: [{ kind: "complaint" }, { kind: "resolution" }] }] });
        // One event per write that happened: five attempts opened one case, two agents resolved it once.
        expect([dialect, await recordedKinds(server.db, careOutbox, "C000004")]).toEqual([dialect, ["contact-logged", "case-resolved"]]);
      }
    });

    it("commits each write with its event, or neither, on each dialect", async () => {
      for (const { dialect, server } of booted()) {
        const agent = { channel: "STORE" as never };
        const cases = async () => Number((await server.db("crm_case").count({ n: "*" }))[0].n);
        const before = await cases();
        const failed = await withoutOutbox(server.db, careOutbox, () => execute(server.subgraph, LOG, { c: "C000006", k: `int-${dialect}-rollback` }, agent));
        expect([dialect, failed.errors?.map((e) => e.extensions?.code)]).toEqual([dialect, ["INTERNAL_SERVER_ERROR"]]);
        expect([dialect, await cases(), await server.db("crm_contact").where({ idem_key: `int-${dialect}-rollback` })]).toEqual([dialect, before, []]);

        // The same write once the outbox is back: the key is free, the case and its event commit together.
        const opened = await execute(server.subgraph, LOG, { c: "C000006", k: `int-${dialect}-rollback` }, agent);
        expect(opened.errors).toBeUndefined();
        const caseId = opened.data!.logContact.id;
        const unresolved = await withoutOutbox(server.db, careOutbox, () => execute(server.subgraph, RESOLVE, { id: caseId, text: "Found it", k: `int-${dialect}-rollback-resolve` }, agent));
        expect([dialect, unresolved.errors?.map((e) => e.extensions?.code)]).toEqual([dialect, ["INTERNAL_SERVER_ERROR"]]);
        expect(await server.db("crm_case").where({ case_no: caseId }).first()).toMatchObject({ state: "N", resolution: null });
        expect([dialect, await recordedKinds(server.db, careOutbox, "C000006")]).toEqual([dialect, ["contact-logged"]]);
      }
    });
  },
);
