import { BadUserInputError } from "../../../kit/subgraph";
import { decodeCursor, encodeCursor } from "./product.cursor";

describe("product cursors", () => {
  it("round-trips a SKU through an opaque base64url string", () => {
    const cursor = encodeCursor("SKU-0050");
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain("SKU");
    expect(decodeCursor(cursor)).toBe("SKU-0050");
  });

  it.each(["", "not a cursor!", "U0tVLTAwNTA=", Buffer.from([0xff, 0xfe, 0x00]).toString("base64url"), encodeCursor("' or 1=1 --")])("rejects %j as bad user input", (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(BadUserInputError);
  });
});
