import type { BaseContext } from "@apollo/server";
import type { RequestBase, Subgraph } from "../../kit/subgraph";

/** Runs an operation against an in-process subgraph and returns its single result. */
export async function execute<C extends BaseContext>(
  subgraph: Subgraph<C>,
  query: string,
  variables?: Record<string, unknown>,
  base?: Partial<RequestBase>,
): Promise<{ data?: Record<string, any> | null; errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[] }> {
  // In-process calls skip the gateway; they act as an agent unless a test says otherwise.
  const response = await subgraph.apollo.executeOperation({ query, variables }, { contextValue: subgraph.context({ identity: { role: "agent", subject: "test-agent" }, ...base }) });
  if (response.body.kind !== "single") throw new Error("expected a single result");
  return response.body.singleResult as never;
}
