import { ConfigError, flag, integer, loadConfig, text } from "./config";
import { decodeQuoteKey, encodeQuoteKey } from "./quote-key";

describe("config", () => {
  const spec = { PORT: integer("port", 4000, 0, 65535), NAME: text("name"), DEBUG: flag("debug", false) };

  it("applies defaults and parses values", () => {
    expect(loadConfig(spec, { NAME: "x", PORT: "4100", DEBUG: "yes" })).toEqual({ PORT: 4100, NAME: "x", DEBUG: true });
    expect(loadConfig(spec, { NAME: "x" }).PORT).toBe(4000);
  });

  it("lists every problem at once", () => {
    try {
      loadConfig(spec, { PORT: "70000", DEBUG: "maybe" });
      throw new Error("expected a ConfigError");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toHaveLength(3);
      expect((err as Error).message).toMatch(/PORT: expected 0..65535, got 70000/);
      expect((err as Error).message).toMatch(/NAME is required/);
    }
  });
});

describe("quote keys", () => {
  it("round-trips and validates", () => {
    const key = { customerId: "C000001", lines: [{ sku: "SKU-0001", quantity: 2 }] };
    expect(decodeQuoteKey(encodeQuoteKey(key))).toEqual(key);
    expect(decodeQuoteKey("-|SKU-1*1").customerId).toBeNull();
    expect(() => encodeQuoteKey({ customerId: null, lines: [{ sku: "S", quantity: 0 }] })).toThrow(/quantity/);
    expect(() => decodeQuoteKey("C1|SKU-1*x")).toThrow(/not a quote id|quantity/);
    expect(() => encodeQuoteKey({ customerId: "a|b", lines: [{ sku: "S", quantity: 1 }] })).toThrow(/customerId/);
  });
});
