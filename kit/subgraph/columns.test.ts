import { expectReadsOnly, fieldsRead } from "../../test/support/columns";
import { columnsOf } from "./columns";

interface Row {
  id: string;
  amount: number;
  note: string | null;
}

describe("column lists", () => {
  it("list every field of the row type, each bare or with its table", () => {
    expect(columnsOf<Row>()(["t.id", "amount", "t.note"])).toEqual(["t.id", "amount", "t.note"]);
    // @ts-expect-error: `note` is left out, so a mapper reading it would get nothing.
    columnsOf<Row>()(["id", "amount"]);
    // @ts-expect-error: `total` is no field of the row type.
    columnsOf<Row>()(["id", "amount", "note", "total"]);
  });

  it("tell the fields a mapper reads, so that a test fails on one the list lacks", () => {
    const map = (row: Row) => ({ id: row.id, text: row.note ?? "" });
    expect(fieldsRead(map, { id: "1", amount: 2, note: null })).toEqual(["id", "note"]);
    expectReadsOnly(["t.id", "t.note"], map, { id: "1", amount: 2, note: null });
    expect(() => expectReadsOnly(["t.id"], map, { id: "1", amount: 2, note: null })).toThrow();
  });
});
