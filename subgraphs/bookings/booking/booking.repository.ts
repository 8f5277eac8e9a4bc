import type { Knex } from "knex";
import { Statements } from "../../../kit/subgraph";
import { LETTER_BY_STATUS } from "../silo/codes";
import { STAY_COLUMNS, type StayRow, toBooking } from "./booking.mapper";
import type { Booking, BookingStatus } from "./booking.type";

/**
 * Which end of a guest's history counts as newest: the arrival date for the
 * `bookings` list a guest reads, the booking time for the timeline (whose
 * touch points are dated by it; `guest_stay_guest_created` serves it).
 */
export type NewestBy = "arrival" | "booked";

export interface BookingListArgs {
  status: BookingStatus | null;
  first: number;
  newestBy: NewestBy;
}

const ORDER: Record<NewestBy, readonly { column: string; order: "desc" }[]> = {
  arrival: [
    { column: "arrive_date", order: "desc" },
    { column: "stay_id", order: "desc" },
  ],
  booked: [
    { column: "created_ms", order: "desc" },
    { column: "stay_id", order: "desc" },
  ],
};

/** Every statement bookings runs against `guest_stay`. */
export class BookingRepository {
  private readonly statements = new Statements();

  constructor(private readonly db: Knex) {}

  async byIds(ids: readonly string[]): Promise<Map<string, Booking>> {
    const rows = await this.statements.rows<StayRow>(this.db, "byIds", ids, (keys) => this.stays().select(STAY_COLUMNS).whereIn("guest_stay.stay_id", keys));
    return new Map(rows.map((r) => [r.stay_id, toBooking(r)]));
  }

  /** At most `first` per customer, newest first, for many customers in one statement. */
  async byCustomers(customerIds: readonly string[], args: BookingListArgs): Promise<Map<string, Booking[]>> {
    const { status, first, newestBy } = args;
    const lists = await this.statements.newest<StayRow>(
      this.db,
      "byCustomers",
      customerIds,
      { columns: STAY_COLUMNS, key: "guest_stay.guest_ref", orderBy: ORDER[newestBy], first },
      (keys) => {
        const base = this.stays().whereIn("guest_stay.guest_ref", keys);
        return status ? base.where("guest_stay.status_ltr", LETTER_BY_STATUS[status]) : base;
      },
      [status, newestBy],
    );
    return new Map([...lists].map(([customerId, rows]) => [customerId, rows.map(toBooking)]));
  }

  /** Completed stays (checked out) per customer; customers with none are absent. */
  async completedCounts(customerIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.statements.rows<{ guest_ref: string; n: number | string }>(this.db, "completedCounts", customerIds, (keys) =>
      this.db("guest_stay").select("guest_ref").count({ n: "*" }).whereIn("guest_ref", keys).where("status_ltr", LETTER_BY_STATUS.COMPLETED).groupBy("guest_ref"),
    );
    // PostgreSQL counts as bigint, which pg hands back as text.
    return new Map(rows.map((r) => [r.guest_ref, Number(r.n)]));
  }

  /** Stays with their hotel, whose zone turns dates into instants (STAY_COLUMNS selects what the mapping needs). */
  private stays(): Knex.QueryBuilder {
    return this.db("guest_stay").join("hotel", "hotel.hotel_code", "guest_stay.hotel_code");
  }
}
