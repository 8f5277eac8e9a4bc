import type { Knex } from "knex";
import { Statements } from "../../../kit/subgraph";
import { type OfferRow, toOffer } from "./offer.mapper";
import type { Offer } from "./offer.type";

/** The offer catalogue in `promo_offer`. */
export class OfferRepository {
  private readonly statements = new Statements();

  constructor(private readonly db: Knex) {}

  async byCodes(codes: readonly string[]): Promise<Map<string, Offer>> {
    const rows = await this.statements.rows<OfferRow>(this.db, "byCodes", codes, (keys) => this.db("promo_offer").whereIn("offer_code", keys));
    return new Map(rows.map((r) => [r.offer_code, toOffer(r)]));
  }

  /**
   * The whole catalogue, ordered by code. Catalogues are tens to hundreds of
   * rows; the engine filters by validity and eligibility in one place rather
   * than in several SQL variants that could drift apart.
   */
  async all(): Promise<Offer[]> {
    const rows = await this.statements.rows<OfferRow>(this.db, "all", [], () => this.db("promo_offer").orderBy("offer_code"));
    return rows.map(toOffer);
  }
}
