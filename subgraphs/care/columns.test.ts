import { expectReadsOnly } from "../../test/support/columns";
import { CASE_COLUMNS, ENTRY_COLUMNS, toCareCase, toCaseEntry } from "./case/case.mapper";

/** Care's statements select their lists, not `*`: each mapper reads only what its list names. */
describe("care's column lists", () => {
  it("name every field the case mapper reads", () => {
    const row = {
      case_seq: 1,
      case_no: "CS-000001",
      cust_no: "C000001",
      topic: "Billing",
      opened_local: "2025-01-10 09:30:00",
      opened_tz: "Europe/Berlin",
      opened_via: "TEL",
      state: "C",
      closed_local: "2025-01-11 09:30:00",
      closed_tz: "Europe/Berlin",
      resolution: "Refunded",
    };
    expectReadsOnly(CASE_COLUMNS, toCareCase, row);
  });

  it("name every field the contact mapper reads", () => {
    const row = { contact_id: 1, case_no: "CS-000001", logged_local: "2025-01-10 09:30:00", logged_tz: "Europe/Berlin", via: "TEL", dir: "IN", kind: "call", note: "Asked", outcome: null };
    expectReadsOnly(ENTRY_COLUMNS, (r: typeof row) => toCaseEntry(r, "C000001"), row);
  });
});
