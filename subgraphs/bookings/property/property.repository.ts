import type { Knex } from "knex";
import { Statements } from "../../../kit/subgraph";
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
  private readonly statements = new Statements();

  constructor(private readonly db: Knex) {}

  async byCodes(codes: readonly string[]): Promise<Map<string, Property>> {
    const rows = await this.statements.rows<HotelRow>(this.db, "byCodes", codes, (keys) => this.db("hotel").whereIn("hotel_code", keys));
    return new Map(rows.map((r) => [r.hotel_code, toProperty(r)]));
  }
}

function toProperty(row: HotelRow): Property {
  return Object.assign(new Property(), { code: row.hotel_code, name: row.hotel_name, city: row.city, country: row.country_iso.trim(), timeZone: row.tz_name });
}
