import { explainLog } from "./explain";

describe("who may ask for explain", () => {
  const production = { NODE_ENV: "production" };
  const development = { NODE_ENV: "development" };

  it("is every caller in development, and only agents in production", () => {
    expect(explainLog(development, null, "1")).toEqual({ fetches: [], fallbacks: [] });
    expect(explainLog(production, { role: "agent", subject: "a" }, "1")).toEqual({ fetches: [], fallbacks: [] });
    for (const identity of [null, { role: "customer" as const, subject: "c", customerId: "C000001" }, { role: "partner" as const, subject: "p" }]) {
      expect(explainLog(production, identity, "1")).toBeNull();
    }
  });

  it("is only with `x-explain: 1`", () => {
    expect(explainLog(development, null, undefined)).toBeNull();
    expect(explainLog(development, null, "yes")).toBeNull();
  });
});
