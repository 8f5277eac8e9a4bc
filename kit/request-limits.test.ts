import { Refusal, checkJsonText } from "./request-limits";

/** The depth check as a character-at-a-time state machine: what checkJsonText must agree with. */
function deepest(text: string): number {
  let depth = 0;
  let most = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") most = Math.max(most, (depth += 1));
    else if (c === "}" || c === "]") depth -= 1;
  }
  return most;
}

function refused(text: string, maxJsonDepth: number): boolean {
  try {
    checkJsonText(text, { maxJsonDepth });
    return false;
  } catch (err) {
    expect(err).toBeInstanceOf(Refusal);
    expect(err).toMatchObject({ status: 400, code: "JSON_TOO_DEEP", message: `request JSON is nested deeper than ${maxJsonDepth} levels` });
    return true;
  }
}

describe("checkJsonText", () => {
  it("counts brackets outside strings only, escaped quotes and backslashes included", () => {
    const cases: [string, number][] = [
      ['{"a":[1,{"b":2}]}', 3],
      ['{"a":"[[[["}', 1],
      ['{"a":"\\"[[[["}', 1],
      ['{"a":"\\\\"}[[', 2],
      ['["\\\\\\"[", [[]]]', 3],
      ['"unclosed [[[', 0],
      ['"\\', 0],
      ["[[[[", 4],
      ['[{"k\\u0022":"]"},["\\\\",[]]]', 3],
      ["", 0],
    ];
    for (const [text, depth] of cases) {
      expect(deepest(text)).toBe(depth);
      expect(refused(text, depth)).toBe(false);
      if (depth > 0) expect(refused(text, depth - 1)).toBe(true);
    }
  });

  it("agrees with a character-at-a-time reading on texts of brackets, quotes and backslashes", () => {
    // A fixed pseudo-random sequence: the same texts on every run.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const alphabet = ['"', '"', "\\", "\\", "[", "{", "]", "}", "a", ",", ":"];
    for (let n = 0; n < 2000; n += 1) {
      const length = Math.floor(next() * 40);
      let text = "";
      for (let i = 0; i < length; i += 1) text += alphabet[Math.floor(next() * alphabet.length)];
      const depth = deepest(text);
      expect(refused(text, depth)).toBe(false);
      if (depth > 0) expect(refused(text, depth - 1)).toBe(true);
    }
  });
});
