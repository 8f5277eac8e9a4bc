import { HEALTH_CHECK, INCOMING_OPERATION, LOADING_SCHEMA } from "./request-kinds";

describe("data-source request kinds", () => {
  it("are the strings @apollo/gateway's data sources compare against", () => {
    // The enum's run-time values, read from the module that defines them (a test may read a dependency's internals to pin them).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { GraphQLDataSourceRequestKind } = require("@apollo/gateway/dist/datasources/types") as { GraphQLDataSourceRequestKind: Record<string, string> };
    expect({ INCOMING_OPERATION, HEALTH_CHECK, LOADING_SCHEMA }).toEqual({
      INCOMING_OPERATION: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
      HEALTH_CHECK: GraphQLDataSourceRequestKind.HEALTH_CHECK,
      LOADING_SCHEMA: GraphQLDataSourceRequestKind.LOADING_SCHEMA,
    });
  });
});
