import { countStatements, tempSiloDir } from "../../test/support/silo";
import { execute } from "../../test/support/execute";
import { type BookingsContext, unit } from "./unit";
import { type UnitServer, unpackTouchPoints } from "../../kit/subgraph";

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Customer { id stayCount preferences { id preference notedAt channel } bookings { id checkIn customer { id } } }
  ... on Booking { id status nights property { code name } customer { id } }
} }`;
const customers = (...ids: string[]) => ids.map((id) => ({ __typename: "Customer", id }));

describe("bookings subgraph over a fresh SQLite silo", () => {
  const silo = tempSiloDir();
  let bookings: UnitServer<BookingsContext>;

  beforeAll(async () => {
    bookings = await unit.create(unit.loadConfig({ BOOKINGS_DB_URL: silo.url("bookings") }));
  });
  afterAll(async () => {
    await bookings.db.destroy();
    silo.cleanup();
  });

  it("answers a returning guest's stays, stay count and preferences in the graph's language", async () => {
    const { data, errors } = await execute(
      bookings.subgraph,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id stayCount
         preferences { preference notedAt channel }
         completed: bookings(status: COMPLETED, first: 2) { id status }
         bookings { id checkIn checkOut nights status bookedVia bookedAt total { amount currency } property { code name city country timeZone } } } } }`,
      { r: customers("C000001") },
    );
    expect(errors).toBeUndefined();
    const maria = data!._entities[0];
    expect(maria).toMatchObject({ id: "C000001", stayCount: 5, preferences: [{ preference: "feather-free pillows", notedAt: "2023-05-12T16:05:00.000Z", channel: "STORE" }] });
    expect(maria.completed).toEqual([
      { id: "BK0002927", status: "COMPLETED" },
      { id: "BK0002926", status: "COMPLETED" },
    ]);
    expect(maria.bookings).toHaveLength(6);
    // Newest arrival first; Lisbon is UTC+0 in December and UTC+1 in September.
    expect(maria.bookings[0]).toEqual({
      id: "BK0002928",
      checkIn: "2026-12-18T15:00:00.000Z",
      checkOut: "2026-12-22T11:00:00.000Z",
      nights: 4,
      status: "CONFIRMED",
      bookedVia: "WEB",
      bookedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
      total: { amount: "596.00", currency: "EUR" },
      property: { code: "LIS01", name: "Harbour House Lisbon", city: "Lisbon", country: "PT", timeZone: "Europe/Lisbon" },
    });
    expect(maria.bookings[1]).toMatchObject({ id: "BK0002927", checkIn: "2025-09-15T14:00:00.000Z", checkOut: "2025-09-18T10:00:00.000Z", nights: 3 });
    const checkIns: string[] = maria.bookings.map((b: { checkIn: string }) => b.checkIn);
    expect(checkIns).toEqual([...checkIns].sort().reverse());
  });

  it("hands the timeline bookings' touch points, newest first", async () => {
    const { data, errors } = await execute(bookings.subgraph, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { bookingsTouchPoints } } }`, { r: customers("C000001") });
    expect(errors).toBeUndefined();
    const points = unpackTouchPoints(data!._entities[0].bookingsTouchPoints, "BOOKINGS");
    expect(points).toHaveLength(7);
    expect(points.map((p: { at: string }) => p.at)).toEqual(
      points
        .map((p: { at: string }) => p.at)
        .sort()
        .reverse(),
    );
    expect(points).toContainEqual({ at: "2023-05-12T16:05:00.000Z", unit: "BOOKINGS", channel: "STORE", kind: "preference", summary: 'Stay preference noted: "feather-free pillows"', ref: expect.any(String) });
    expect(points).toContainEqual(expect.objectContaining({ kind: "booking", ref: "BK0002927", summary: "Booked Harbour House Lisbon, 3 nights from 2025-09-15 (completed)" }));
  });

  it("resolves a mixed batch of representations, null in place for an unknown booking", async () => {
    const { data, errors } = await execute(bookings.subgraph, ENTITIES, {
      r: [...customers("C000004"), { __typename: "Booking", id: "BK0000001" }, { __typename: "Booking", id: "BK9999999" }, ...customers("C999999")],
    });
    expect(errors).toBeUndefined();
    expect(data!._entities).toEqual([
      { id: "C000004", stayCount: 0, preferences: [], bookings: [{ id: "BK0002929", checkIn: "2027-01-08T14:00:00.000Z", customer: { id: "C000004" } }] },
      { id: "BK0000001", status: "COMPLETED", nights: 7, property: { code: "BCN01", name: "Gràcia Terrace" }, customer: { id: "C000005" } },
      null,
      // Any id is a customer to bookings; one with no stays has empty lists.
      { id: "C999999", stayCount: 0, preferences: [], bookings: [] },
    ]);
  });

  it("runs as many statements for 30 customers as for 2", async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer {
      bookings { property { name } } stayCount preferences { preference } bookingsTouchPoints } } }`;
    const statementsFor = async (ids: string[]) => {
      const statements = countStatements(bookings.db);
      const { data, errors } = await execute(bookings.subgraph, query, { r: customers(...ids) });
      statements.stop();
      expect(errors).toBeUndefined();
      expect(data!._entities).toHaveLength(ids.length);
      return statements.count;
    };
    const ids = Array.from({ length: 30 }, (_, i) => `C${String(i + 1).padStart(6, "0")}`);
    const few = await statementsFor(["C000001", "C000005"]);
    // One per loader: bookings by arrival, bookings by booking time, hotels, stay counts, preferences.
    expect(few).toBe(5);
    expect(await statementsFor(ids)).toBe(few);
  });

  it("rejects a page size out of bounds as bad input", async () => {
    const { errors } = await execute(bookings.subgraph, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { bookings(first: 101) { id } } } }`, { r: customers("C000001") });
    expect(errors?.[0].message).toBe("first must be between 1 and 100, got 101");
    expect(errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", unit: "bookings" });
  });

  it("shows a row written to the silo on the next request, and fails loudly on a letter it cannot map", async () => {
    const stay = { stay_id: "BK9000001", guest_ref: "C000002", hotel_code: "BER01", arrive_date: "2026-11-20", depart_date: "2026-11-21", status_ltr: "C", chan_cd: "M", total_cents: 12900, currency: "EUR", created_ms: Date.UTC(2026, 9, 1) };
    await bookings.db("guest_stay").insert(stay);
    try {
      const fresh = await execute(bookings.subgraph, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { stayCount bookings { id bookedVia } } } }`, { r: customers("C000002") });
      expect(fresh.data!._entities[0]).toEqual({ stayCount: 0, bookings: [{ id: "BK9000001", bookedVia: "MOBILE" }] });

      await bookings.db("guest_stay").where({ stay_id: "BK9000001" }).update({ status_ltr: "Z" });
      const broken = await execute(bookings.subgraph, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { bookings { id status } } } }`, { r: customers("C000002") });
      expect(broken.errors?.[0].message).toBe('bookings silo, booking BK9000001: unknown status_ltr "Z"');
      expect(broken.errors?.[0].extensions).toMatchObject({ code: "SILO_DATA_INVALID", unit: "bookings" });
    } finally {
      await bookings.db("guest_stay").where({ stay_id: "BK9000001" }).delete();
    }
  });
});
