import type { Knex } from "knex";
import { type OfferRow, toOffer } from "./offer.mapper";
import type { Offer } from "./offer.type";

/** The offer catalogue in `promo_offer`. */
export class OfferRepository {
  constructor(private readonly db: Knex) {}

  async byCodes(codes: readonly string[]): Promise<Map<string, Offer>> {
    const rows: OfferRow[] = await this.db("promo_offer").whereIn("offer_code", codes);
    return new Map(rows.map((r) => [r.offer_code, toOffer(r)]));
  }

  /**
   * The whole catalogue, ordered by code. Catalogues are tens to hundreds of
   * rows; the engine filters by validity and eligibility in one place rather
   * than in several SQL variants that could drift apart.
   */
  async all(): Promise<Offer[]> {
    const rows: OfferRow[] = await this.db("promo_offer").orderBy("offer_code");
    return rows.map(toOffer);
  }
}
