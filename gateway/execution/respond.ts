import { assert } from "@apollo/federation-internals";
import type { GatewayExecutionResult } from "@apollo/server-gateway-interface";
import { type DocumentNode, type FieldNode, GraphQLError, type GraphQLSchema, Kind, OperationTypeNode, type VariableDefinitionNode, executeSync, visit } from "graphql";
import type { Run } from "./execute-plan";
import { computeResponse } from "./shaping";

/**
 * The client's answer from a run: the merged subgraph data cut to the
 * client's operation (shaping.ts), introspection fields answered from the
 * API schema, and the run's errors. A value the shaping had to null without
 * any fetch error is reported as federation gateways do, in
 * `extensions.valueCompletion`, not as an error.
 */
export function shapeResponse(run: Run): GatewayExecutionResult {
  const { requestContext } = run;
  try {
    const { data, errors } = computeResponse({
      operation: run.operation,
      variables: requestContext.request.variables,
      input: run.data,
      introspectionHandling: (selection) =>
        introspect(requestContext.schema, (selection as unknown as { expandFragments(): { toSelectionNode(): FieldNode } }).expandFragments().toSelectionNode(), requestContext.operation.variableDefinitions, requestContext.request.variables),
    });
    if (run.errors.length === 0 && errors.length > 0) return { extensions: { valueCompletion: errors }, data: data as GatewayExecutionResult["data"] };
    const shaped = data as GatewayExecutionResult["data"];
    return run.errors.length === 0 ? { data: shaped } : { errors: run.errors, data: shaped };
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    return { errors: [new GraphQLError((error as Error).message, { originalError: error as Error })] };
  }
}

/** An introspection field asked beside data (`__schema`, `__type`), answered from the API schema. */
function introspect(schema: GraphQLSchema, selection: FieldNode, definitions: readonly VariableDefinitionNode[] | undefined, variableValues: Record<string, unknown> | undefined): unknown {
  const used = new Set<string>();
  visit(selection, { Variable: ({ name }) => void used.add(name.value) });
  const usedDefinitions = definitions?.filter((d) => used.has(d.variable.name.value));
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [{ kind: Kind.OPERATION_DEFINITION, operation: OperationTypeNode.QUERY, variableDefinitions: usedDefinitions, selectionSet: { kind: Kind.SELECTION_SET, selections: [selection] } }],
  };
  const { data, errors } = executeSync({ schema, document, rootValue: {}, variableValues });
  assert(!errors || errors.length === 0, () => `Introspection query for ${JSON.stringify(selection)} should not have failed but got ${JSON.stringify(errors)}`);
  assert(data, () => `Introspection query for ${JSON.stringify(selection)} should not have failed`);
  const key = selection.alias?.value ?? selection.name.value;
  return Object.prototype.hasOwnProperty.call(data, key) ? data[key] : undefined;
}
