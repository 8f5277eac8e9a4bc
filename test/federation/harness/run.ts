import { ApolloServer } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";
import type { ConformanceCase, ConformanceGroup, ExpectedError, ExpectedResponse } from "./fixture";
import { type Planner, createGateway } from "./gateway";
import { startSubgraphs } from "./subgraphs";

/*
 * One group under one planner: fresh subgraphs, the supergraph composed from
 * them, the gateway behind Apollo Server (its `gateway` option, as in
 * production), and each case's response in the shape it is compared in.
 */

export interface RunningGroup {
  execute(c: ConformanceCase): Promise<ExpectedResponse>;
  stop(): Promise<void>;
}

export async function startGroup(group: ConformanceGroup, planner: Planner): Promise<RunningGroup> {
  const subgraphs = await startSubgraphs(group.subgraphs());
  const server = new ApolloServer({ gateway: createGateway(planner, subgraphs.supergraphSdl), includeStacktraceInErrorResponses: false });
  try {
    await server.start();
  } catch (err) {
    await subgraphs.stop();
    throw err;
  }
  return {
    async execute(c) {
      const response = await server.executeOperation({ query: c.query, variables: c.variables });
      if (response.body.kind !== "single") throw new Error(`${group.name}/${c.id}: expected a single result, got ${response.body.kind}`);
      return comparable(response.body.singleResult);
    },
    async stop() {
      await server.stop();
      await subgraphs.stop();
    },
  };
}

/**
 * A response as compared with the expected one: `data` as given (absent
 * stays absent), errors reduced to message, path and code and sorted, since
 * fetches that run in parallel may report in either order.
 */
export function comparable(result: { data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] }): ExpectedResponse {
  const out: ExpectedResponse = {};
  if (result.data !== undefined) out.data = result.data;
  if (result.errors?.length) out.errors = sortErrors(result.errors.map(reduceError));
  return out;
}

/**
 * Whether a response is exactly the expected one, down to the order of
 * fields, which GraphQL fixes: the order of the selections.
 */
export function sameResponse(received: ExpectedResponse, expected: ExpectedResponse): boolean {
  return JSON.stringify(received) === JSON.stringify(normalised(expected));
}

/** The expected response in the same order as `comparable` puts a received one. */
export function normalised(expected: ExpectedResponse): ExpectedResponse {
  return expected.errors ? { ...expected, errors: sortErrors(expected.errors.map(reduceError)) } : expected;
}

function reduceError(e: GraphQLFormattedError | ExpectedError): ExpectedError {
  const out: ExpectedError = { message: e.message };
  if (e.path) out.path = [...e.path];
  const code = "code" in e ? e.code : (e as GraphQLFormattedError).extensions?.code;
  if (typeof code === "string") out.code = code;
  return out;
}

function sortErrors(errors: ExpectedError[]): ExpectedError[] {
  const key = (e: ExpectedError) => `${JSON.stringify(e.path ?? [])} ${e.message}`;
  return errors.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
