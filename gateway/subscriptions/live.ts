import { createHash } from "node:crypto";
import { type DocumentNode, type FormattedExecutionResult, GraphQLError, type GraphQLSchema, OperationTypeNode, type ValidationRule, getOperationAST, getVariableValues, parse, specifiedRules, validate } from "graphql";
import type { Identity } from "../../kit/identity";
import type { GatewayContext } from "../context";
import type { FederationGateway } from "../federation-gateway";
import type { Feed } from "./feed";
import type { SubscriptionHub } from "./hub";

/**
 * What every subscription transport (WebSocket, SSE, multipart HTTP) does
 * with one admitted subscribe request: parse and validate it against the
 * served API schema with the same limits as queries, check that the caller
 * may hold a live stream at all, plan it, and join the hub. A refusal is a
 * GraphQL error with a stable code; the transport says it its own way.
 */
export interface SubscribeRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface Admitted {
  identity: Identity | null;
  context: GatewayContext;
  /** Who, for the per-caller limit. */
  caller: string;
  /** When the caller's token expires (epoch ms), if it does. */
  expiresAt: number | null;
}

export class LiveOperations {
  constructor(
    private readonly gateway: FederationGateway,
    private readonly schema: () => GraphQLSchema | null,
    private readonly hub: SubscriptionHub,
    private readonly rules: readonly ValidationRule[],
    /** Roles that may subscribe (GATEWAY_SUBSCRIPTION_ROLES). */
    private readonly roles: ReadonlySet<string>,
  ) {}

  /** Whether a request body is a subscription (a transport then takes it over). */
  static isSubscription(request: SubscribeRequest): boolean {
    if (typeof request.query !== "string") return false;
    try {
      const operation = getOperationAST(parse(request.query), typeof request.operationName === "string" ? request.operationName : undefined);
      return operation?.operation === OperationTypeNode.SUBSCRIPTION;
    } catch {
      return false;
    }
  }

  start(request: SubscribeRequest, admitted: Admitted): Feed | { errors: GraphQLError[] } {
    try {
      return this.join(request, admitted);
    } catch (err) {
      if (err instanceof GraphQLError) return { errors: [err] };
      throw err;
    }
  }

  private join(request: SubscribeRequest, admitted: Admitted): Feed {
    const schema = this.schema();
    if (!schema) throw new GraphQLError("the gateway has no supergraph yet", { extensions: { code: "UNAVAILABLE" } });
    if (typeof request.query !== "string") throw new GraphQLError("the request has no query", { extensions: { code: "BAD_REQUEST" } });
    const operationName = typeof request.operationName === "string" ? request.operationName : undefined;
    const variables = (request.variables && typeof request.variables === "object" ? request.variables : {}) as Record<string, unknown>;
    let document: DocumentNode;
    try {
      document = parse(request.query);
    } catch (err) {
      throw new GraphQLError((err as Error).message, { extensions: { code: "GRAPHQL_PARSE_FAILED" } });
    }
    const errors = validate(schema, document, [...specifiedRules, ...this.rules]);
    if (errors.length > 0) throw new GraphQLError(errors[0].message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
    const definition = getOperationAST(document, operationName);
    if (!definition) throw new GraphQLError(operationName ? `no operation named "${operationName}"` : "the document must hold exactly one operation, or name one", { extensions: { code: "BAD_REQUEST" } });
    if (definition.operation !== OperationTypeNode.SUBSCRIPTION) throw new GraphQLError("only subscriptions are served here; send queries and mutations as HTTP POST to /graphql", { extensions: { code: "BAD_REQUEST" } });
    const role = admitted.identity?.role ?? "anonymous";
    if (!this.roles.has(role)) {
      const who = admitted.identity ? `a ${role}` : "an anonymous caller";
      throw new GraphQLError(`${who} may not subscribe; live updates are for ${[...this.roles].join(" and ")} tokens`, { extensions: { code: "FORBIDDEN" } });
    }
    const coerced = getVariableValues(schema, definition.variableDefinitions ?? [], variables);
    if (coerced.errors) throw new GraphQLError(coerced.errors[0].message, { extensions: { code: "BAD_USER_INPUT" } });
    const hash = createHash("sha256").update(request.query).digest("hex");
    const prepared = this.gateway.subscription(document, hash, operationName);
    return this.hub.subscribe({ prepared, query: request.query, operationName, variables, context: admitted.context, caller: admitted.caller, expiresAt: admitted.expiresAt });
  }
}

/** A refusal as a transport sends it. */
export function refusalOf(errors: readonly GraphQLError[]): FormattedExecutionResult {
  return { errors: errors.map((e) => e.toJSON()) };
}
