import { byKey, listByKey, perArguments } from "./loaders";

describe("loader batch contract", () => {
  it("answers in key order, same length, null for misses, in one batch", async () => {
    const calls: (readonly string[])[] = [];
    const loader = byKey(async (keys: readonly string[]) => {
      calls.push(keys);
      return new Map(keys.filter((k) => k !== "missing").map((k) => [k, k.toUpperCase()]));
    });
    const values = await Promise.all(["b", "missing", "a", "b"].map((k) => loader.load(k)));
    expect(values).toEqual(["B", null, "A", "B"]);
    expect(calls).toEqual([["b", "missing", "a"]]);
  });

  it("gives an empty list for keys without children", async () => {
    const loader = listByKey(async (keys: readonly number[]) => new Map([[keys[0], ["x"]]]));
    expect(await loader.loadMany([1, 2])).toEqual([["x"], []]);
  });

  it("keeps one loader per distinct argument set", () => {
    const loaders = perArguments((args: { first: number }) => byKey(async () => new Map<string, number>([["k", args.first]])));
    expect(loaders({ first: 1 })).toBe(loaders({ first: 1 }));
    expect(loaders({ first: 1 })).not.toBe(loaders({ first: 2 }));
  });
});
