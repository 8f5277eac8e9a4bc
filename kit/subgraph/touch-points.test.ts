import { GraphQLObjectType, GraphQLSchema, graphql } from "graphql";
import { TIMELINE_MAX, touchPoint } from "./graph";
import { TouchPointsScalar, packTouchPoints, unpackTouchPoints } from "./touch-points";

const order = touchPoint({ at: "2026-03-01T09:30:00.000Z", unit: "RETAIL", channel: "WEB" as never, kind: "order", summary: 'Order R-1001 placed: "gift", 59.80 EUR', ref: "R-1001" });
const joined = touchPoint({ at: "2023-03-14T10:30:00.000Z", unit: "RETAIL", channel: null, kind: "loyalty", summary: "Joined the loyalty programme (GOLD) – Gràcia", ref: "M0000001" });

describe("TouchPoints, a unit's touch points as one JSON text", () => {
  it("writes [at, channel, kind, summary, ref] per touch point, in order, the unit left to the field", () => {
    expect(packTouchPoints([order, joined])).toBe(
      '[["2026-03-01T09:30:00.000Z","WEB","order","Order R-1001 placed: \\"gift\\", 59.80 EUR","R-1001"],["2023-03-14T10:30:00.000Z",null,"loyalty","Joined the loyalty programme (GOLD) – Gràcia","M0000001"]]',
    );
    expect(packTouchPoints([])).toBe("[]");
    // A channel left undefined is written as none, as GraphQL answered it.
    expect(packTouchPoints([{ ...joined, channel: undefined }])).toBe(packTouchPoints([joined]));
  });

  it("reads back exactly what was written, with the field's unit", () => {
    expect(unpackTouchPoints(packTouchPoints([order, joined]), "RETAIL")).toEqual([{ ...order }, { ...joined }]);
    expect(unpackTouchPoints("[]", "RETAIL")).toEqual([]);
  });

  it("reads the list of touch point objects units answered before, to the same touch points", () => {
    const listed = JSON.parse(JSON.stringify([order, joined]));
    expect(unpackTouchPoints(listed, "RETAIL")).toEqual(unpackTouchPoints(packTouchPoints([order, joined]), "RETAIL"));
  });

  it("refuses to serialize anything but a list of at most TIMELINE_MAX touch points, saying what is wrong", () => {
    expect(() => packTouchPoints(null)).toThrow("TouchPoints serializes a list of touch points, not null");
    expect(() => packTouchPoints("[]")).toThrow('TouchPoints serializes a list of touch points, not the string "[]"');
    expect(() => packTouchPoints({ ...order })).toThrow("TouchPoints serializes a list of touch points, not an object");
    expect(() => packTouchPoints([order, "R-1002"])).toThrow('TouchPoints serializes a list of touch points: item 1 is the string "R-1002"');
    expect(() => packTouchPoints([{ ...order, at: new Date(0) }])).toThrow("item 0 has no string `at` (an object)");
    expect(() => packTouchPoints([{ ...order, channel: "FAX" }])).toThrow('item 0 has a `channel` that is no Channel (the string "FAX")');
    expect(() => packTouchPoints([{ ...order, summary: undefined }])).toThrow("item 0 has no string `summary` (undefined)");
    expect(() => packTouchPoints(Array.from({ length: TIMELINE_MAX + 1 }, () => order))).toThrow(`at most ${TIMELINE_MAX} touch points (the timeline's bound), not ${TIMELINE_MAX + 1}`);
    expect(packTouchPoints(Array.from({ length: TIMELINE_MAX }, () => order))).toMatch(/^\[\[/);
  });

  it("fails the field, not the answer, when a resolver returns something else, and is never an input", async () => {
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: "Query",
        fields: {
          good: { type: TouchPointsScalar, resolve: () => [order] },
          bad: { type: TouchPointsScalar, resolve: () => [{ at: order.at }] },
        },
      }),
    });
    const result = await graphql({ schema, source: "{ good bad }" });
    expect(result.data).toEqual({ good: packTouchPoints([order]), bad: null });
    expect(result.errors?.map((e) => [e.path, e.message])).toEqual([[["bad"], "TouchPoints serializes a list of touch points: item 0 has no string `kind` (undefined)"]]);
    expect(() => TouchPointsScalar.parseValue("[]")).toThrow("never accepted as an input");
  });
});
