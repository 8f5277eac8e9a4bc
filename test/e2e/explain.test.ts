import { type Stack, startStack } from "../support/stack";

/** `x-explain: 1`: the plan, each fetch, and why each null is null, from the real graph. */
describe("explain", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 120_000);
  afterAll(() => stack?.stop());

  const explained = async (query: string, headers: Record<string, string> = {}) => {
    const res = await stack.post({ query }, { "x-explain": "1", ...headers });
    return { ...res.body, headers: res.headers };
  };

  it("gives the plan and each fetch with its unit, duration and entities, and is never cached", async () => {
    const { data, extensions, headers } = await explained(`{ a: customer(id: "C000001") { name stayCount } b: customer(id: "C000002") { name stayCount } }`);
    expect(data.a.name).toBeTruthy();
    const { explain } = extensions;
    expect(explain.planner).toMatch(/hive|apollo/);
    expect(JSON.stringify(explain.plan)).toMatch(/"unit":"bookings"/);
    const units = explain.fetches.map((f: { unit: string }) => f.unit);
    expect(units).toEqual(expect.arrayContaining(["billing", "bookings"]));
    const bookings = explain.fetches.filter((f: { unit: string }) => f.unit === "bookings");
    // Both customers' stay counts: two entities, whether in one fetch or merged into one request.
    expect(bookings.reduce((n: number, f: { entities: number }) => n + f.entities, 0)).toBe(2);
    for (const f of explain.fetches) {
      expect(f).toMatchObject({ outcome: "ok", shared: expect.any(Boolean), merged: expect.any(Boolean) });
      expect(f.ms).toBeGreaterThanOrEqual(0);
    }
    expect(explain.nulls).toEqual([]);
    expect(headers.get("cache-control")).toBe("private, no-store");
  });

  it("says why each null is null: a missing entity, authorization, a unit that failed", async () => {
    const missing = await explained(`{ product(sku: "NO-SUCH-SKU") { name } }`);
    expect(missing.extensions.explain.nulls).toEqual([{ path: ["product"], reason: "missing entity", unit: "retail" }]);

    const partner = `Bearer ${await stack.token("partner")}`;
    const forbidden = await explained(`{ product(sku: "SKU-0001") { name } customer(id: "C000001") { name } }`, { authorization: partner });
    expect(forbidden.extensions.explain.nulls).toEqual([expect.objectContaining({ path: ["customer"], reason: "authorization", code: "FORBIDDEN", unit: "billing" })]);

    stack.procs.get("bookings")!.child.kill("SIGKILL");
    try {
      const down = await explained(`{ customer(id: "C000001") { name stayCount } }`);
      expect(down.data.customer.name).toBeTruthy();
      expect(down.extensions.explain.nulls).toEqual([expect.objectContaining({ path: ["customer", "stayCount"], reason: "unit failed", unit: "bookings" })]);
      expect(down.extensions.explain.fetches.find((f: { unit: string }) => f.unit === "bookings").outcome).toBe("UNAVAILABLE");
    } finally {
      await stack.restart("bookings");
    }
  });

  it("is absent without the header", async () => {
    const res = await stack.post({ query: `{ categories }` });
    expect(res.body.extensions?.explain).toBeUndefined();
  });
});
