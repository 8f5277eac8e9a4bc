import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, type ValidationContext, type ValidationRule } from "graphql";
import type { GatewayConfig } from "../config";

/**
 * Limits on what one operation may ask, counted by GraphQL Armor's
 * validation rules and refused in our own words: which limit, what this
 * operation has, the most allowed, and a stable code per limit
 * (`MAX_DEPTH_EXCEEDED`, `MAX_ALIASES_EXCEEDED`, `MAX_DIRECTIVES_EXCEEDED`),
 * as a 400. Armor's own words ("Syntax Error: Max depth exceeded...") call a
 * limit a syntax error. Cost is not Armor's static count but the units' own
 * cost hints against a budget per role (demand-control.ts).
 * Field suggestions ("did you mean …?") would map the schema for an
 * attacker, so production hides them.
 */
export function operationLimits(config: GatewayConfig): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[] } {
  const production = config.NODE_ENV === "production";
  // Armor's own reporting is replaced by ours (it would add its words as well).
  const refuse = (limit: keyof typeof LIMITS, max: number) => ({ exposeLimits: true, propagateOnRejection: false, onReject: [reportAs(limit, max)] });
  const armor = new ApolloArmor({
    maxDepth: { n: config.GATEWAY_MAX_DEPTH, ...refuse("depth", config.GATEWAY_MAX_DEPTH) },
    maxAliases: { n: config.GATEWAY_MAX_ALIASES, ...refuse("aliases", config.GATEWAY_MAX_ALIASES) },
    // Counted before Apollo parses, in the admission chain (token-limit.ts).
    maxTokens: { enabled: false },
    maxDirectives: { n: config.GATEWAY_MAX_DIRECTIVES, ...refuse("directives", config.GATEWAY_MAX_DIRECTIVES) },
    // Estimated from the units' @cost/@listSize against the caller's budget instead (demand-control.ts).
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: config.GATEWAY_FIELD_SUGGESTIONS === "off" || (config.GATEWAY_FIELD_SUGGESTIONS === "auto" && production) },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins: [...(plugins as ApolloServerPlugin[]), limitCodes()], validationRules };
}

/** Each limit's code and how its refusal reads; `found` is what the operation has, when Armor says. */
const LIMITS = {
  depth: { code: "MAX_DEPTH_EXCEEDED", words: (max: number, found?: string) => `the operation is nested too deeply: ${found ? `${found} levels` : "more levels"} where this gateway allows at most ${max}` },
  aliases: { code: "MAX_ALIASES_EXCEEDED", words: (max: number, found?: string) => `the operation uses too many aliases: ${found ?? "more"} where this gateway allows at most ${max}` },
  directives: { code: "MAX_DIRECTIVES_EXCEEDED", words: (max: number, found?: string) => `the operation uses too many directives: ${found ?? "more"} where this gateway allows at most ${max}` },
} as const;

/** A limit refused by Armor, in our words; limitCodes() gives it its code back after Apollo's validation wrapper. */
class LimitExceeded extends GraphQLError {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message, { extensions: { code } });
  }
}

/** Armor's rejection handler: what it counted, reported as our own error (Armor says `…, found <n>.`). */
function reportAs(limit: keyof typeof LIMITS, max: number) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const found = /found (\S+?)\.?$/.exec(error.message)?.[1];
    context?.reportError(new LimitExceeded(LIMITS[limit].words(max, found), LIMITS[limit].code));
  };
}

/**
 * Apollo wraps every validation error with the code GRAPHQL_VALIDATION_FAILED
 * (and status 400); a limit keeps its own code, so clients can tell "too big"
 * from "not valid".
 */
function limitCodes(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            if (error.originalError instanceof LimitExceeded) (error.extensions as Record<string, unknown>).code = error.originalError.code;
          }
        },
      };
    },
  };
}

/** Introspection: on in development, off in production unless asked for. */
export function introspectionEnabled(config: GatewayConfig): boolean {
  return config.GATEWAY_INTROSPECTION === "on" || (config.GATEWAY_INTROSPECTION === "auto" && config.NODE_ENV !== "production");
}

/** Codes of requests that are the client's to fix. */
const CLIENT_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "BAD_REQUEST", "OPERATION_RESOLUTION_FAILURE", "INVALID_GRAPHQL", ...Object.values(LIMITS).map((l) => l.code), "MAX_COST_EXCEEDED"]);

/**
 * A request refused before execution is a 400, whichever stage refused it:
 * the gateway resolves the operation name itself, and an unknown one would
 * otherwise surface as a 500 (a server fault).
 */
export function clientErrorStatus(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind === "single" && refusedByClientError(response.body.singleResult)) response.http.status = 400;
        },
      };
    },
  };
}

/** Whether an answer is a refusal for the client to fix (a 400): no data, and every error one of CLIENT_CODES. */
export function refusedByClientError({ data, errors }: { data?: unknown; errors?: readonly { extensions?: Record<string, unknown> }[] }): boolean {
  return !data && errors !== undefined && errors.length > 0 && errors.every((e) => CLIENT_CODES.has(String(e.extensions?.code)));
}
