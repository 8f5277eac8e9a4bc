import type { Knex } from "knex";
import { groupBy, newestPerKey } from "../../../kit/subgraph";
import { LETTER_BY_STATUS } from "../silo/codes";
import { type StayRow, toBooking } from "./booking.mapper";
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

const ORDER: Record<NewestBy, { column: string; order: "desc" }[]> = {
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
  constructor(private readonly db: Knex) {}

  async byIds(ids: readonly string[]): Promise<Map<string, Booking>> {
    const rows: StayRow[] = await this.stays().whereIn("guest_stay.stay_id", ids);
    return new Map(rows.map((r) => [r.stay_id, toBooking(r)]));
  }

  /** At most `first` per customer, newest first, for many customers in one statement. */
  async byCustomers(customerIds: readonly string[], args: BookingListArgs): Promise<Map<string, Booking[]>> {
    let base = this.stays().whereIn("guest_stay.guest_ref", customerIds);
    if (args.status) base = base.where("guest_stay.status_ltr", LETTER_BY_STATUS[args.status]);
    const rows: StayRow[] = await newestPerKey(this.db, base, "guest_ref", ORDER[args.newestBy], args.first);
    return groupBy(rows.map(toBooking), (b) => b.customerId);
  }

  /** Completed stays (checked out) per customer; customers with none are absent. */
  async completedCounts(customerIds: readonly string[]): Promise<Map<string, number>> {
    const rows: { guest_ref: string; n: number | string }[] = await this.db("guest_stay").select("guest_ref").count({ n: "*" }).whereIn("guest_ref", customerIds).where("status_ltr", LETTER_BY_STATUS.COMPLETED).groupBy("guest_ref");
    // PostgreSQL counts as bigint, which pg hands back as text.
    return new Map(rows.map((r) => [r.guest_ref, Number(r.n)]));
  }

  /** Stays with the hotel columns the mapping needs: its zone turns dates into instants. */
  private stays(): Knex.QueryBuilder {
    return this.db("guest_stay").join("hotel", "hotel.hotel_code", "guest_stay.hotel_code").select("guest_stay.*", "hotel.tz_name", "hotel.hotel_name");
  }
}
