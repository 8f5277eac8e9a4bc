import { describeOnEveryDialect, expectEveryDialectToRead } from "../../test/support/dialects";
import { unit } from "./unit";
import { Channel, Outbox } from "../../kit/subgraph";
import { recordedKinds, withoutOutbox } from "../../test/support/outbox";
import { PreferenceRepository } from "./preference/preference.repository";
import { bookingsOutbox } from "./silo/outbox";

const customers = (...ids: string[]) => ids.map((id) => ({ __typename: "Customer", id }));

/** Every statement bookings' repositories run, asked the same way of each dialect. */
const OPERATIONS = {
  guests: {
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id stayCount preferences { id preference notedAt channel }
      bookings { id checkIn checkOut nights status bookedVia bookedAt total { amount currency } property { code name city country timeZone } }
      completed: bookings(status: COMPLETED, first: 2) { id } bookingsTouchPoints } } }`,
    variables: { r: customers("C000001", "C000002", "C000004", "C000005", "C000321", "C999999") },
  },
  bookings: {
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Booking { id status nights checkIn property { code name } customer { id } } } }`,
    variables: { r: ["BK0000001", "BK0001000", "BK0002928", "BK9999999"].map((id) => ({ __typename: "Booking", id })) },
  },
};

describeOnEveryDialect(
  "bookings",
  (url) => unit.create(unit.loadConfig({ BOOKINGS_DB_URL: url })),
  OPERATIONS,
  (booted) => {
    it("keeps integer cents exact and epoch milliseconds and hotel dates as the same UTC instants on each dialect", () =>
      expectEveryDialectToRead(
        booted(),
        async ({ server }) => {
          await server.db("guest_stay").insert({
            stay_id: "BK9000001",
            guest_ref: "C900001",
            hotel_code: "BER01",
            arrive_date: "2026-10-24",
            depart_date: "2026-10-26",
            status_ltr: "C",
            chan_cd: "W",
            total_cents: 2147483647,
            currency: "EUR",
            created_ms: 4102444800000,
          });
        },
        { query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Booking { id nights checkIn checkOut bookedAt total { amount } } } }`, variables: { r: [{ __typename: "Booking", id: "BK9000001" }] } },
        {
          _entities: [
            {
              id: "BK9000001",
              nights: 2,
              // Berlin leaves summer time between arrival (UTC+2) and departure (UTC+1).
              checkIn: "2026-10-24T13:00:00.000Z",
              checkOut: "2026-10-26T10:00:00.000Z",
              bookedAt: "2100-01-01T00:00:00.000Z",
              total: { amount: "21474836.47" },
            },
          ],
        },
      ));

    it("commits a new stay preference with its event, or neither, on each dialect", async () => {
      for (const { dialect, server } of booted()) {
        const preferences = new PreferenceRepository(server.db, new Outbox("bookings", bookingsOutbox, server.db));
        await preferences.remember("C900002", "quiet room", Channel.WEB, Date.parse("2026-05-01T10:00:00Z"));
        await preferences.remember("C900002", "quiet room", Channel.STORE, Date.parse("2026-05-02T10:00:00Z")); // known: no write, no event
        expect(await recordedKinds(server.db, bookingsOutbox, "C900002")).toEqual(["stay-preference-set"]);

        const outcome = await withoutOutbox(server.db, bookingsOutbox, () =>
          preferences.remember("C900003", "high floor", Channel.WEB, Date.now()).then(
            () => "written",
            (err: Error) => err.message,
          ),
        );
        expect([dialect, outcome]).toEqual([dialect, expect.stringMatching(/guest_event_out/)]);
        expect(await server.db("guest_pref").where({ guest_ref: "C900003" })).toEqual([]);
        expect(await recordedKinds(server.db, bookingsOutbox, "C900003")).toEqual([]);
      }
    });
  },
);
