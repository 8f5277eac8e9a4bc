import { SiloDataError } from "../../../kit/subgraph";
import { type ProductRow, toProduct } from "./product.mapper";

const buildProductRow = (overrides: Partial<ProductRow> = {}): ProductRow => ({
  sku: "SKU-0042",
  title: "Alpine Tent",
  category_name: "Outdoor",
  list_price: "129.90",
  currency_code: "EUR",
  ...overrides,
});

describe("toProduct", () => {
  it("maps retail's column names to the graph's product", () => {
    expect(toProduct(buildProductRow())).toMatchObject({ sku: "SKU-0042", name: "Alpine Tent", category: "Outdoor", listPrice: { amount: "129.90", currency: "EUR" } });
  });

  it("reads DECIMAL list prices the same whether the driver gives a string (PostgreSQL, MySQL) or a number (SQLite)", () => {
    for (const [asString, asNumber] of [
      ["129.90", 129.9],
      ["0.99", 0.99],
      ["1000.00", 1000],
      ["12.05", 12.05],
    ] as const) {
      expect(toProduct(buildProductRow({ list_price: asNumber })).listPrice).toEqual(toProduct(buildProductRow({ list_price: asString })).listPrice);
    }
  });

  it("fails with a SiloDataError naming the product on bad money", () => {
    expect(() => toProduct(buildProductRow({ list_price: "12,5x" }))).toThrow(SiloDataError);
    expect(() => toProduct(buildProductRow({ list_price: "12,5x" }))).toThrow(/^retail silo, product SKU-0042: list_price: invalid decimal amount/);
    expect(() => toProduct(buildProductRow({ list_price: 12.345 }))).toThrow(/retail silo, product SKU-0042: .*more than two decimal places/);
    expect(() => toProduct(buildProductRow({ currency_code: "euro" }))).toThrow(/^retail silo, product SKU-0042: list_price: invalid currency/);
  });
});
