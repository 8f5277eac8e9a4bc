import type { Knex } from "knex";
import { Property } from "./property.type";

interface HotelRow {
  hotel_code: string;
  hotel_name: string;
  city: string;
  country_iso: string;
  tz_name: string;
}

/** The hotels in `hotel`. */
export class PropertyRepository {
  constructor(private readonly db: Knex) {}

  async byCodes(codes: readonly string[]): Promise<Map<string, Property>> {
    const rows: HotelRow[] = await this.db("hotel").whereIn("hotel_code", codes);
    return new Map(rows.map((r) => [r.hotel_code, toProperty(r)]));
  }
}

function toProperty(row: HotelRow): Property {
  return Object.assign(new Property(), { code: row.hotel_code, name: row.hotel_name, city: row.city, country: row.country_iso.trim(), timeZone: row.tz_name });
}
