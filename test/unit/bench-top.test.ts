import { placeOf, summarise } from "../../bench/top";

describe("the bench's profile summary", () => {
  // root → handle (gateway/calls.js) → parse (node_modules/graphql) ; root → (garbage collector)
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame("(root)", ""), children: [2, 4] },
      { id: 2, callFrame: frame("handle", "file:///srv/app/dist/gateway/calls.js"), children: [3] },
      { id: 3, callFrame: frame("parse", "file:///srv/app/node_modules/graphql/language/parser.js") },
      { id: 4, callFrame: frame("(garbage collector)", "") },
    ],
    samples: [2, 3, 3, 4],
    timeDeltas: [100, 100, 100, 700],
  };

  it("names packages, project files and native frames", () => {
    expect(placeOf("file:///x/node_modules/@apollo/gateway/dist/index.js")).toBe("@apollo/gateway");
    expect(placeOf("file:///x/node_modules/graphql/execution/execute.js")).toBe("graphql");
    expect(placeOf("file:///srv/app/dist/gateway/calls.js")).toBe("gateway/calls.js");
    expect(placeOf("")).toBe("(native)");
  });

  it("gives self time by frame and by place, and inclusive time of the frames asked for", () => {
    const lines = summarise(profile, 5, /handle|parse/);
    const section = (title: string) => {
      const from = lines.indexOf(title) + 1;
      const to = lines.findIndex((line, i) => i >= from && line.endsWith(":"));
      return lines.slice(from, to === -1 ? undefined : to);
    };
    expect(lines[0]).toBe("0.0 s sampled");
    expect(section("by frame (self):")).toEqual([" 70.0% (garbage collector) (native):10", " 20.0% parse graphql:10", " 10.0% handle gateway/calls.js:10"]);
    expect(section("inclusive:")).toEqual([" 30.0% handle gateway/calls.js", " 20.0% parse graphql"]);
  });
});
