import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { MaxTokensParserWLexer } from "@escape.tech/graphql-armor-max-tokens";
import type { ValidationRule } from "graphql";
import type { GatewayConfig } from "../config";

/**
 * Limits on what one operation may ask, with GraphQL Armor rather than
 * hand-written rules. Each rejection is a 400 whose message names the limit
 * and its configured value ("Query depth limit of 12 exceeded, found 100").
 * Field suggestions ("did you mean …?") would map the schema for an
 * attacker, so production hides them.
 */
export function operationLimits(config: GatewayConfig): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[] } {
  const production = config.NODE_ENV === "production";
  const armor = new ApolloArmor({
    maxDepth: { n: config.GATEWAY_MAX_DEPTH, exposeLimits: true },
    maxAliases: { n: config.GATEWAY_MAX_ALIASES, exposeLimits: true },
    // Counted before Apollo instead (tokenLimit below): thrown from Apollo's
    // parsing hook it would come back as a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: config.GATEWAY_MAX_DIRECTIVES, exposeLimits: true },
    costLimit: { maxCost: config.GATEWAY_MAX_COST, exposeLimits: true },
    blockFieldSuggestion: { enabled: config.GATEWAY_FIELD_SUGGESTIONS === "off" || (config.GATEWAY_FIELD_SUGGESTIONS === "auto" && production) },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins: plugins as ApolloServerPlugin[], validationRules };
}

/** Introspection: on in development, off in production unless asked for. */
export function introspectionEnabled(config: GatewayConfig): boolean {
  return config.GATEWAY_INTROSPECTION === "on" || (config.GATEWAY_INTROSPECTION === "auto" && config.NODE_ENV !== "production");
}

/** Codes of requests that are the client's to fix. */
const CLIENT_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "BAD_REQUEST", "OPERATION_RESOLUTION_FAILURE", "INVALID_GRAPHQL"]);

/**
 * A request refused before execution is a 400, whichever stage refused it:
 * the token limit fires while parsing and the gateway resolves the operation
 * name itself, and both would otherwise surface as a 500 (a server fault).
 */
export function clientErrorStatus(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const { data, errors } = response.body.singleResult;
          if (data || !errors?.length) return;
          if (errors.every((e) => CLIENT_CODES.has(String(e.extensions?.code)))) response.http.status = 400;
        },
      };
    },
  };
}

/**
 * The token limit, checked on the raw document before Apollo parses it, with
 * GraphQL Armor's counting lexer. Returns the refusal message, or null.
 */
export function tokenLimit(max: number): (document: string) => string | null {
  return (document) => {
    try {
      new MaxTokensParserWLexer(document, { n: max, exposeLimits: true }).parseDocument();
      return null;
    } catch (err) {
      const message = (err as Error).message;
      // Only the limit is ours to report here; other syntax errors are Apollo's to word.
      return /Token limit/i.test(message) ? message : null;
    }
  };
}
