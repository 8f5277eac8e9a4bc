import { SiloDataError } from "../errors";
import { Money, decimalToMinor, formatMinor, moneyFromCents, moneyFromDecimal, toMinor } from "./money";

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

  it("writes minor units as two-place text, small and past 2^53 alike", () => {
    const text = (minor: bigint) => {
      const abs = minor < 0n ? -minor : minor;
      return `${minor < 0n ? "-" : ""}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
    };
    const safe = BigInt(Number.MAX_SAFE_INTEGER);
    const amounts = [0n, 1n, 5n, 9n, 10n, 99n, 100n, 101n, 12990n, 123456789n, safe - 1n, safe, safe + 1n, 10n ** 30n + 7n];
    for (const minor of amounts) {
      for (const signed of [minor, -minor]) expect(formatMinor(signed)).toBe(text(signed));
    }
    expect(formatMinor(-5n)).toBe("-0.05");
    expect(formatMinor(12990n)).toBe("129.90");
    expect(formatMinor(safe)).toBe("90071992547409.91");
  });
});

describe("amounts read as floats", () => {
  it("give the cents their two-place text gives, and refuse what has more places", () => {
    const viaText = (value: number) => {
      const text = value.toFixed(2);
      if (Math.abs(Number(text) - value) > 1e-9) return "refused";
      const [units, fraction] = text.replace("-", "").split(".");
      const minor = BigInt(units) * 100n + BigInt(fraction);
      return text.startsWith("-") ? -minor : minor;
    };
    const read = (value: number) => {
      try {
        return decimalToMinor(value, "t");
      } catch {
        return "refused";
      }
    };
    const samples = [0, -0, 0.1, 0.2 + 0.1, 1.005, 129.9, -129.9, 19.99 * 3, 1e-10, -1e-10, 0.015, 99999999999.99, 4503599627370.49, 1234.5678];
    for (let cents = -100_000; cents <= 100_000; cents += 7) samples.push(cents / 100, (cents / 100) * 1.0000000001, cents / 100 + 0.001);
    for (const value of samples) expect([value, read(value)]).toEqual([value, viaText(value)]);
  });
});

describe("amounts read as text", () => {
  it("give the cents of their digits, and refuse what the decimal form or two places refuse, plain or not", () => {
    // The long way, by the regular form and BigInt.
    const viaBigInt = (value: string) => {
      const text = value.trim();
      if (!/^-?\d{1,15}(\.\d{1,6})?$/.test(text)) return "refused";
      const [units, fraction = ""] = text.replace("-", "").split(".");
      if (/[1-9]/.test(fraction.slice(2))) return "refused";
      const minor = BigInt(units) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, "0"));
      return text.startsWith("-") ? -minor : minor;
    };
    const read = (value: string) => {
      try {
        return decimalToMinor(value, "t");
      } catch (err) {
        expect(err).toBeInstanceOf(SiloDataError);
        return "refused";
      }
    };
    const samples = [
      "",
      "-",
      ".",
      "-.5",
      "5.",
      "0",
      "-0",
      "-0.00",
      "007.50",
      "129.9",
      "129.90",
      "129.900000",
      "129.9000000",
      "129.901",
      "1.005",
      " 12.30 ",
      "12.30\n",
      "+1",
      "1e3",
      "1,50",
      "١٢",
      "9999999999999.99",
      "-9999999999999.99",
      "99999999999999.99",
      "999999999999999.99",
      "9999999999999999",
    ];
    // Random texts near the plain form: signs, digit runs of every length, points, stray characters.
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const digits = (n: number) => Array.from({ length: n }, () => (next(4) === 0 ? "0" : String(next(10)))).join("");
    for (let i = 0; i < 20_000; i++) {
      let text = `${next(3) === 0 ? "-" : ""}${digits(next(17))}`;
      if (next(3) > 0) text += `.${digits(next(9))}`;
      if (next(20) === 0) text = text.slice(0, next(text.length + 1)) + " x-.".charAt(next(4)) + text.slice(next(text.length + 1));
      samples.push(text);
    }
    for (const value of samples) expect([value, read(value)]).toEqual([value, viaBigInt(value)]);
  });
});
