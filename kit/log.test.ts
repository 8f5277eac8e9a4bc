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
