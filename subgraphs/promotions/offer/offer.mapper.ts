import { LoyaltyTier, SiloDataError, calendarDate, moneyFromCents, remember } from "../../../kit/subgraph";
import { Offer, OfferKind } from "./offer.type";

export interface OfferRow {
  offer_code: string;
  headline: string;
  body_text: string;
  offer_kind: string;
  pct_off: number | null;
  amount_off_minor: number | string | null;
  currency: string;
  scope_category: string | null;
  scope_sku: string | null;
  min_tier: string | null;
  min_stays: number | null;
  needs_email_optin: boolean | number;
  single_use: boolean | number;
  is_public: boolean | number;
  valid_from: string | Date;
  valid_to: string | Date | null;
}

const TIERS: Record<string, LoyaltyTier> = { bronze: LoyaltyTier.BRONZE, silver: LoyaltyTier.SILVER, gold: LoyaltyTier.GOLD, platinum: LoyaltyTier.PLATINUM };
const DAY = 86_400_000;

/** A DATE column as the driver returns it, as the UTC midnight that starts it. */
function dateStart(value: string | Date, where: string): number {
  const date = calendarDate(value, where);
  let ms = dayStarts.get(date);
  if (ms === undefined) {
    ms = Date.parse(`${date}T00:00:00.000Z`);
    if (Number.isNaN(ms)) throw new SiloDataError(`${where}: invalid date ${JSON.stringify(value)}`);
    remember(dayStarts, date, ms, MOST_DATES);
  }
  return ms;
}

/**
 * The catalogue is read whole for every request, and its few validity dates
 * with it: each date's midnight and ISO text are worked out once, not once
 * per row and request (a pure function of the date; no row is kept).
 */
const dayStarts = new Map<string, number>();
const isoTexts = new Map<number, string>();
const MOST_DATES = 10_000;

function isoText(ms: number): string {
  return isoTexts.get(ms) ?? remember(isoTexts, ms, new Date(ms).toISOString(), MOST_DATES);
}

export function toOffer(row: OfferRow): Offer {
  const where = `promotions silo, offer ${row.offer_code}`;
  const kind = row.offer_kind === "PRICE" ? OfferKind.PRICE : row.offer_kind === "ACCOUNT" ? OfferKind.ACCOUNT : null;
  if (!kind) throw new SiloDataError(`${where}: unknown offer_kind ${JSON.stringify(row.offer_kind)}`);
  const tier = row.min_tier === null ? null : TIERS[row.min_tier.toLowerCase()];
  if (tier === undefined) throw new SiloDataError(`${where}: unknown min_tier ${JSON.stringify(row.min_tier)}`);
  const amountOff = row.amount_off_minor === null ? null : moneyFromCents(row.amount_off_minor, row.currency, `${where}, amount_off_minor`);
  const validFromMs = dateStart(row.valid_from, `${where}, valid_from`);
  // valid_to is an inclusive calendar date: valid until its last millisecond.
  const validUntilMs = row.valid_to === null ? null : dateStart(row.valid_to, `${where}, valid_to`) + DAY - 1;
  return Object.assign(new Offer(), {
    code: row.offer_code,
    title: row.headline,
    description: row.body_text,
    kind,
    percentOff: row.pct_off === null ? null : Number(row.pct_off),
    amountOff,
    amountOffMinor: amountOff === null ? null : BigInt(row.amount_off_minor as string | number),
    category: row.scope_category,
    sku: row.scope_sku,
    requiresTier: tier,
    minStays: row.min_stays === null ? null : Number(row.min_stays),
    requiresEmailConsent: Boolean(row.needs_email_optin),
    singleUse: Boolean(row.single_use),
    public: Boolean(row.is_public),
    validFromMs,
    validUntilMs,
    validFrom: isoText(validFromMs),
    validUntil: validUntilMs === null ? null : isoText(validUntilMs),
  });
}
