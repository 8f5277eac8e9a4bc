import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { type GraphQLFormattedError, type GraphQLResolveInfo, responsePathAsArray } from "graphql";

/**
 * Errors that go beside a value instead of replacing it. GraphQL lets a
 * resolver either answer or fail; a field that merges several units' data
 * (Customer.timeline) can do better when one unit is missing: answer with
 * the others' data and say, at the field's path, which unit is missing. The
 * resolver notes the error here; the plugin adds it to the response, where
 * the gateway maps its path as it maps any other subgraph error.
 */
const notes = new WeakMap<object, GraphQLFormattedError[]>();

/** Notes an error about the field being resolved (its value stands); `unit` names the unit the gap is about. */
export function reportBeside(context: object, info: GraphQLResolveInfo, error: { message: string; code: string; unit: string }): void {
  const list = notes.get(context) ?? [];
  list.push({ message: error.message, path: responsePathAsArray(info.path), extensions: { code: error.code, unit: error.unit } });
  notes.set(context, list);
}

/** A response's errors with the ones noted beside values during the request of `context` after them. */
export function withNotedErrors(context: object, errors: readonly GraphQLFormattedError[] | undefined): readonly GraphQLFormattedError[] | undefined {
  const noted = notes.get(context);
  return noted ? [...(errors ?? []), ...noted] : errors;
}

/** Adds the noted errors to each response, after the ones resolvers threw (the lean path, lean-path.ts, does the same). */
export function partialAnswerPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          const errors = withNotedErrors(contextValue, result.errors);
          if (errors !== result.errors) result.errors = errors;
        },
      };
    },
  };
}
