import { SiloDataError } from "../errors";
import { Money, decimalToMinor, moneyFromCents, moneyFromDecimal, toMinor } from "./money";

describe("money mapping", () => {
  it.each([
    [12990, "129.90"],
    ["12990", "129.90"],
    [5n, "0.05"],
    [-250, "-2.50"],
    [0, "0.00"],
  ])("cents %p -> %s", (cents, amount) => {
    expect(moneyFromCents(cents, "EUR", "t")).toEqual(Object.assign(new Money(), { amount, currency: "EUR" }));
  });

  it.each([
    ["129.90", "129.90"],
    [129.9, "129.90"],
    ["129.9", "129.90"],
    ["7", "7.00"],
    [0.1 + 0.2, "0.30"],
    ["99999999.99", "99999999.99"],
    ["129.900", "129.90"],
  ])("DECIMAL %p -> %s (driver strings and SQLite floats agree)", (value, amount) => {
    expect(moneyFromDecimal(value, "EUR", "t").amount).toBe(amount);
  });

  it.each([["12,5x"], [""], [null], [Number.NaN], ["1.005"], [{}]])("rejects %p with a SiloDataError naming the row", (value) => {
    expect(() => moneyFromDecimal(value, "EUR", "billing silo, invoice X")).toThrow(SiloDataError);
    expect(() => moneyFromDecimal(value, "EUR", "billing silo, invoice X")).toThrow(/billing silo, invoice X/);
  });

  it("rejects bad currencies and non-integer cents", () => {
    expect(() => moneyFromCents(100, "euro", "t")).toThrow(/invalid currency/);
    expect(() => moneyFromCents(1.5, "EUR", "t")).toThrow(/invalid amount in cents/);
  });

  it("round-trips through minor units", () => {
    expect(toMinor({ amount: "129.90" })).toBe(12990n);
    expect(decimalToMinor("-0.05", "t")).toBe(-5n);
    expect(Money.of(toMinor({ amount: "0.07" }) * 3n, "EUR").amount).toBe("0.21");
  });
});
