import { businessUnit, LoyaltyTier, SiloDataError, type TouchPoint, touchPoint } from "../../../kit/subgraph";
import { isoFromUtcWallTime } from "../silo/utc-time";
import { LoyaltyMembership } from "./loyalty.type";

/** A row of `rt_loyalty` as the retail silo stores it. */
export interface LoyaltyRow {
  member_no: string;
  customer_code: string;
  tier_letter: string;
  points_balance: number | string;
  enrolled_utc: string | Date;
}

/** The shop's one-letter tiers; a Map so that prototype keys are not tiers. */
const TIER_BY_LETTER = new Map<string, LoyaltyTier>([
  ["B", LoyaltyTier.BRONZE],
  ["S", LoyaltyTier.SILVER],
  ["G", LoyaltyTier.GOLD],
  ["P", LoyaltyTier.PLATINUM],
]);
export const LETTER_BY_TIER = Object.fromEntries([...TIER_BY_LETTER].map(([letter, tier]) => [tier, letter])) as Record<LoyaltyTier, string>;

export function toMembership(row: LoyaltyRow): LoyaltyMembership {
  const where = `retail silo, member ${row.member_no}`;
  // CHAR(1) may come back padded from some drivers; the letter is what counts.
  const tier = TIER_BY_LETTER.get(String(row.tier_letter).trim());
  if (!tier) throw new SiloDataError(`${where}: unknown tier_letter ${JSON.stringify(row.tier_letter)}`);
  const points = Number(row.points_balance);
  if (!Number.isSafeInteger(points)) throw new SiloDataError(`${where}: invalid points_balance ${JSON.stringify(row.points_balance)}`);
  return Object.assign(new LoyaltyMembership(), {
    memberId: row.member_no,
    customerId: row.customer_code,
    tier,
    points,
    joinedAt: isoFromUtcWallTime(row.enrolled_utc, `${where}: enrolled_utc`),
  });
}

export function loyaltyTouchPoint(membership: LoyaltyMembership): TouchPoint {
  return touchPoint({
    at: membership.joinedAt,
    unit: businessUnit("retail"),
    // The shop does not record where a member enrolled.
    channel: null,
    kind: "loyalty",
    summary: `Joined the loyalty programme (${membership.tier})`,
    ref: membership.memberId,
  });
}
