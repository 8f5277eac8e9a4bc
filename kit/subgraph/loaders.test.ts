import { byKey, listByKey, newestPerArguments, perArguments } from "./loaders";

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

  it("reads a newest-first list once for every `first` of a batch, each getting its own start", async () => {
    const calls: { keys: readonly string[]; status: string | null; first: number }[] = [];
    const newest = (key: string) => Array.from({ length: 6 }, (_, i) => `${key}${6 - i}`);
    const lists = newestPerArguments(async (keys, args: { status: string | null; first: number }) => {
      calls.push({ keys, ...args });
      return new Map(keys.filter((k) => k !== "none").map((k) => [k, newest(k).slice(0, args.first)]));
    });
    const [a3, b5, a5, none, open] = await Promise.all([
      lists({ status: null, first: 3 }).load("a"),
      lists({ status: null, first: 5 }).load("b"),
      lists({ status: null, first: 5 }).load("a"),
      lists({ status: null, first: 2 }).load("none"),
      lists({ status: "OPEN", first: 1 }).load("a"),
    ]);
    expect([a3, b5, a5, none, open]).toEqual([["a6", "a5", "a4"], newest("b").slice(0, 5), newest("a").slice(0, 5), [], ["a6"]]);
    // One read per argument set besides `first`, with the largest `first`, each key once.
    expect(calls).toEqual([
      { keys: ["a", "b", "none"], status: null, first: 5 },
      { keys: ["a"], status: "OPEN", first: 1 },
    ]);
    // Cached per key and `first`: asking again reads nothing.
    expect(await lists({ status: null, first: 3 }).load("a")).toEqual(["a6", "a5", "a4"]);
    expect(calls).toHaveLength(2);
  });
});
