import { businessUnit, LoyaltyTier, SiloDataError } from "../../../kit/subgraph";
import { LETTER_BY_TIER, type LoyaltyRow, loyaltyTouchPoint, toMembership } from "./loyalty.mapper";

const buildLoyaltyRow = (overrides: Partial<LoyaltyRow> = {}): LoyaltyRow => ({
  member_no: "M0000123",
  customer_code: "C000001",
  tier_letter: "G",
  points_balance: 18450,
  enrolled_utc: "2023-03-14 10:30:00",
  ...overrides,
});

describe("toMembership", () => {
  it.each([
    ["B", LoyaltyTier.BRONZE],
    ["S", LoyaltyTier.SILVER],
    ["G", LoyaltyTier.GOLD],
    ["P", LoyaltyTier.PLATINUM],
  ])("maps tier_letter %j to %s", (letter, tier) => {
    expect(toMembership(buildLoyaltyRow({ tier_letter: letter })).tier).toBe(tier);
    expect(LETTER_BY_TIER[tier]).toBe(letter);
  });

  it("maps the row to the graph's membership, enrolled_utc read as UTC", () => {
    expect(toMembership(buildLoyaltyRow())).toMatchObject({ memberId: "M0000123", customerId: "C000001", tier: "GOLD", points: 18450, joinedAt: "2023-03-14T10:30:00.000Z" });
    expect(toMembership(buildLoyaltyRow({ enrolled_utc: new Date(2023, 2, 14, 10, 30), points_balance: "18450" }))).toMatchObject({ points: 18450, joinedAt: "2023-03-14T10:30:00.000Z" });
  });

  it.each(["X", "g", "", "constructor"])("rejects the unknown tier_letter %j with a SiloDataError naming the member", (letter) => {
    expect(() => toMembership(buildLoyaltyRow({ tier_letter: letter }))).toThrow(SiloDataError);
    expect(() => toMembership(buildLoyaltyRow({ tier_letter: letter }))).toThrow(/^retail silo, member M0000123: unknown tier_letter/);
  });

  it("rejects a points balance that is not an integer", () => {
    expect(() => toMembership(buildLoyaltyRow({ points_balance: "12.5" }))).toThrow(/^retail silo, member M0000123: invalid points_balance/);
  });
});

describe("loyaltyTouchPoint", () => {
  it("records joining the programme without a channel", () => {
    expect(loyaltyTouchPoint(toMembership(buildLoyaltyRow()))).toEqual({
      at: "2023-03-14T10:30:00.000Z",
      unit: businessUnit("retail"),
      channel: null,
      kind: "loyalty",
      summary: "Joined the loyalty programme (GOLD)",
      ref: "M0000123",
    });
  });
});
