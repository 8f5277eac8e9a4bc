import { callOf, contextOf } from "../../test/support/calls";
import type { CallRequest } from "./call";
import { provenance } from "./provenance";

describe("provenance", () => {
  const said = { unit: "ledger", readAt: "2026-01-01T00:00:00.000Z", answeredAt: "2026-01-01T00:00:00.010Z" };

  it("asks the unit only when the client request wants it, and keeps each answer's once", async () => {
    const sent: CallRequest[] = [];
    // Two fetches answered by one request: the same extensions object, as share.ts hands them out.
    const extensions = { provenance: said };
    const next = async (call: CallRequest) => (sent.push(call), { data: {}, extensions });
    const context = contextOf({ wantProvenance: true });
    await provenance()(next)(callOf({ context }));
    await provenance()(next)(callOf({ context }));
    await provenance()(next)(callOf({ context: contextOf() }));
    expect(sent.map((c) => c.headers["x-provenance"])).toEqual(["1", "1", undefined]);
    expect(context.provenance).toEqual([said]);
    await provenance()(async () => ({ data: {}, extensions: { provenance: { ...said } } }))(callOf({ context }));
    expect(context.provenance).toHaveLength(2);
  });
});
