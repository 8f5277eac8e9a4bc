/*
 * What a conformance group is made of: a few small subgraphs (SDL and plain
 * resolvers over data written in the group's file) composed into one
 * supergraph, and the operations run against it, each with the exact
 * response a correct federation gateway gives.
 */

/** Plain resolvers, as @apollo/subgraph's buildSubgraphSchema takes them. */
export type Resolvers = Record<string, Record<string, (...args: any[]) => unknown>>;

export interface SubgraphFixture {
  name: string;
  typeDefs: string;
  resolvers?: Resolvers;
}

/**
 * An error as compared: what it says, where it lands in the client's result
 * and its code. Locations are left out (they point into the subgraph's
 * query text, not the client's), as are other extensions (decoration that
 * differs between gateways: service names, stack traces).
 */
export interface ExpectedError {
  message: string;
  path?: (string | number)[];
  code?: string;
}

export interface ExpectedResponse {
  /** Absent when the operation is refused before execution (validation). */
  data?: Record<string, unknown> | null;
  errors?: ExpectedError[];
}

export interface ConformanceCase {
  /** Stable id, unique in its group: the expected-failure list names cases by `group/id`. */
  id: string;
  /** The federation behaviour it checks: a row of the planner table. */
  behaviour: string;
  query: string;
  variables?: Record<string, unknown>;
  expected: ExpectedResponse;
}

export interface ConformanceGroup {
  name: string;
  /**
   * Builds the subgraphs afresh for each gateway under test, so state a case
   * changes (mutations) never leaks into another planner's run.
   */
  subgraphs: () => SubgraphFixture[];
  /** Run in order, one at a time (mutations may depend on it). */
  cases: ConformanceCase[];
}

/** Template tag for GraphQL text: only marks it for editors and formatters. */
export function gql(strings: TemplateStringsArray, ...values: unknown[]): string {
  return String.raw({ raw: strings }, ...values);
}

/** The `extend schema @link(...)` line of a Federation 2 subgraph. */
export function link(imports: string[], version = "2.5"): string {
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v${version}", import: [${imports.map((i) => JSON.stringify(i)).join(", ")}])`;
}
