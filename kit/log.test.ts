import { spawnSync } from "node:child_process";
import { GraphQLError } from "graphql";
import { loggableError } from "./log";

describe("loggable errors", () => {
  it("keeps a driver's own words and code, not the statement knex quotes with its values", () => {
    const driver = Object.assign(new Error("select * from acct_holder where email_addr = 'maria@example.com' - SQLITE_ERROR: no such column: email_addr"), { code: "SQLITE_ERROR" });
    const logged = loggableError(new GraphQLError("wrapped", { originalError: driver }));
    expect(logged).toBe("SQLITE_ERROR: no such column: email_addr");
    expect(logged).not.toContain("maria");
  });

  it("names the code when the driver's words do not, and keeps other errors' messages", () => {
    expect(loggableError(Object.assign(new Error("insert into t values ('x') - duplicate key"), { code: "23505" }))).toBe("23505: duplicate key");
    expect(loggableError(new Error("cannot map row"))).toBe("cannot map row");
    expect(loggableError("plain")).toBe("plain");
  });
});

describe("log lines", () => {
  it("are all written, in order, when the process exits right after them", () => {
    const script = `const { createLogger } = require(${JSON.stringify(require.resolve("./log"))});
      const a = createLogger("a"), b = createLogger("b");
      for (let i = 0; i < 500; i += 1) (i % 2 ? a : b).info({ i }, "request");
      a.error({}, "failed to start");
      process.exit(3);`;
    const child = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { encoding: "utf8", env: { ...process.env, TS_NODE_PROJECT: "tsconfig.jest.json" } });
    expect(child.status).toBe(3);
    const lines = child.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { i?: number; msg: string });
    expect(lines.map((l) => l.i ?? l.msg)).toEqual([...Array.from({ length: 500 }, (_, i) => i), "failed to start"]);
  });
});
