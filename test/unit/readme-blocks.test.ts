import { missingFrom, shellBlocks } from "../support/readme";

const fence = "```";

describe("the README's shell blocks, as the README test reads them", () => {
  it("takes a block's title, code and the quoted fragments of the Prints paragraph after it, in order", () => {
    const [block] = shellBlocks(`## Try it\n\n**The quote** (a basket):\n\n${fence}sh\ncurl -s "$GRAPH"\n${fence}\n\nPrints the lines (\`"quantity":2\`) and\nthe total (\`"total":{"amount":"571.17"\`).\n\nMore prose with \`code\`.\n`);
    expect(block).toEqual({ line: 5, title: "The quote", code: 'curl -s "$GRAPH"', prints: ['"quantity":2', '"total":{"amount":"571.17"'] });
  });

  it("runs a block that prints nothing only when it says so", () => {
    expect(shellBlocks(`${fence}sh\nX=1\n${fence}\n\nPrints nothing.\n`)[0].prints).toEqual([]);
    expect(() => shellBlocks(`${fence}sh\nX=1\n${fence}\n\nPrints the answer.\n`)).toThrow(/line 1: its "Prints" paragraph quotes nothing/);
  });

  it("leaves out a block marked on the line above it, with the reason", () => {
    const [block] = shellBlocks(`<!-- not run by test/e2e/readme.test.ts: it needs Docker -->\n${fence}sh\ndocker compose up\n${fence}\n`);
    expect(block.notRun).toBe("it needs Docker");
  });

  it("fails on a shell block that neither says what it prints nor why it is not run, naming its line", () => {
    expect(() => shellBlocks(`Intro\n\n${fence}bash\nnpm start\n${fence}\n\nIt starts.\n`)).toThrow(/README line 3: a shell block with neither/);
  });

  it("reads no other kind of block", () => {
    expect(shellBlocks(`${fence}graphql\n{ a }\n${fence}\n${fence}json\n{}\n${fence}\n${fence}\nplain\n${fence}\n`)).toEqual([]);
  });

  it("finds fragments only in order, each after the one before", () => {
    expect(missingFrom("a b c", ["a", "c"])).toBeUndefined();
    expect(missingFrom("a b c", ["c", "a"])).toBe("a");
    expect(missingFrom("x x", ["x", "x", "x"])).toBe("x");
  });
});
