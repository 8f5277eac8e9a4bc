import { GraphQLError } from "graphql";
import { dialectOfUrl, siloFailureOf } from "./db";
import { SiloDataError } from "../errors";
import { createLogger } from "../log";
import { maskError } from "./subgraph";

const driverError = (fields: Record<string, unknown>, message = "boom") => Object.assign(new Error(message), fields);

describe("silo URLs", () => {
  it("name their dialect by scheme, a bare path being a SQLite file", () => {
    expect(["postgres://u@h/db", "postgresql://h/db", "mysql://h/db", "mariadb://h/db", "sqlite:./data/x.sqlite", "file:x.db", "./data/x.sqlite"].map(dialectOfUrl)).toEqual(["postgres", "postgres", "mysql", "mysql", "sqlite", "sqlite", "sqlite"]);
    expect(() => dialectOfUrl("mssql://u:secret@h/db")).toThrow(/unsupported database URL scheme in "mssql:\/\/u:\*\*\*@h\/db"/);
  });
});

describe("silo failures", () => {
  it("tell an unreachable or too slow silo from everything else, in every driver's words", () => {
    const cases: [unknown, string | null][] = [
      [driverError({ code: "ECONNREFUSED", errno: -111 }), "unreachable"],
      [driverError({ code: "57P01" }), "unreachable"], // pg: terminated by an administrator
      [driverError({ code: "08006" }), "unreachable"], // pg: connection failure
      [driverError({}, "select 1 - Connection terminated unexpectedly"), "unreachable"],
      [driverError({ code: "PROTOCOL_CONNECTION_LOST" }), "unreachable"],
      [driverError({ errno: 1927 }), "unreachable"], // MariaDB: connection killed
      [driverError({ code: "57014" }), "timeout"], // pg: statement_timeout
      [driverError({ errno: 1969 }), "timeout"], // MariaDB: max_statement_time
      [driverError({ name: "KnexTimeoutError" }), "timeout"], // no free connection in time
      [new GraphQLError("wrapped", { originalError: driverError({ code: "ECONNRESET" }) }), "unreachable"],
      [driverError({ code: "23505" }), null], // pg: a unique violation is the statement's fault
      [driverError({ errno: 1062 }), null], // MySQL: duplicate entry
      [new SiloDataError("billing silo, invoice X: invalid decimal amount"), null],
      [new Error("a bug"), null],
      [undefined, null],
    ];
    for (const [err, expected] of cases) expect([err instanceof Error ? err.message : err, siloFailureOf(err)]).toEqual([err instanceof Error ? err.message : err, expected]);
  });

  it("reach a client as UNAVAILABLE naming the unit, without the driver's message", () => {
    const mask = maskError("billing", createLogger("billing", "silent"));
    const refused = new GraphQLError("select * from acct_holder - connect ECONNREFUSED 10.0.0.7:3306", { originalError: driverError({ code: "ECONNREFUSED" }) });
    expect(mask({ message: refused.message, path: ["customer"] }, refused)).toEqual({ message: "the billing silo is unavailable", path: ["customer"], locations: undefined, extensions: { code: "UNAVAILABLE", unit: "billing" } });
    const slow = new GraphQLError("canceling statement due to statement timeout", { originalError: driverError({ code: "57014" }) });
    expect(mask({ message: slow.message }, slow)).toMatchObject({ message: "the billing silo did not answer in time", extensions: { code: "UNAVAILABLE", unit: "billing" } });
  });
});
