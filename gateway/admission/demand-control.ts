import type { ApolloServerPlugin } from "@apollo/server";
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
} from "graphql";
import type { Role } from "../../kit/identity";
import type { GatewayContext } from "../context";
import { actualCost } from "../execution/actual-cost";
import { type CostHints, weightOf } from "./cost-hints";
import type { CostObserver } from "../operations/metrics";

/**
 * Demand control: an operation's cost estimated before it runs, from the
 * units' `@cost` and `@listSize` (the IBM cost specification, as Apollo
 * Router reads it), against a budget per role. An object costs 1 unless a
 * unit says otherwise, a scalar 0, a mutation's root field 10; a list field
 * costs its size times what one element selects, its size being its slicing
 * argument (`first`, or that argument's default), else its `assumedSize`,
 * else the gateway's default. Fragments are costed once each, so a fragment
 * bomb is estimated in microseconds (and refused), never expanded.
 */

/**
 * The estimated cost of one operation of `document`, with its variables.
 * `reads.variables` is set when a variable's value went into the estimate
 * (a slicing argument given as a variable): only then may the same operation
 * cost otherwise on another request.
 */
export function estimateCost(
  schema: GraphQLSchema,
  hints: CostHints,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  defaultListSize: number,
  reads: { variables: boolean } = { variables: false },
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const memo = new Map<string, number>();
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;

  const argument = (node: FieldNode, name: string, defaults: Map<string, unknown>): unknown => {
    const given = node.arguments?.find((a) => a.name.value === name)?.value;
    if (!given) return defaults.get(name);
    // A variable, or a list or object that may hold one.
    if (given.kind === Kind.VARIABLE || given.kind === Kind.LIST || given.kind === Kind.OBJECT) reads.variables = true;
    return given.kind === Kind.VARIABLE ? (variables[given.name.value] ?? defaults.get(name)) : valueFromASTUntyped(given, variables);
  };

  const selections = (set: SelectionSetNode, type: GraphQLNamedType, sized: Map<string, number>, onRoot: boolean): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += field(selection, type, sized, onRoot);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? type) : type;
        total += selections(selection.selectionSet, condition, sized, onRoot);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment) continue;
        const key = sized.size === 0 ? selection.name.value : undefined;
        const known = key !== undefined ? memo.get(key) : undefined;
        if (known !== undefined) {
          total += known;
          continue;
        }
        if (key !== undefined) memo.set(key, 0); // a cycle is invalid GraphQL; never loop on one
        const cost = selections(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? type, sized, onRoot);
        if (key !== undefined) memo.set(key, cost);
        total += cost;
      }
    }
    return total;
  };

  const field = (node: FieldNode, parent: GraphQLNamedType, sized: Map<string, number>, onRoot: boolean): number => {
    if (node.name.value.startsWith("__") || !(isObjectType(parent) || isInterfaceType(parent))) return 0;
    const definition = parent.getFields()[node.name.value];
    if (!definition) return 0;
    const named = getNamedType(definition.type);
    const coordinate = coordinateOf(parent, definition);
    const weight = weightOf(hints, coordinate, named, onRoot && parent === schema.getMutationType());
    const list = hints.lists.get(coordinate);
    let size: number | undefined;
    if (list && list.slicingArguments.length > 0) {
      const defaults = new Map(definition.args.map((a) => [a.name, a.defaultValue]));
      for (const name of list.slicingArguments) {
        const value = argument(node, name, defaults);
        if (typeof value === "number") size = Math.max(size ?? 0, value);
      }
    }
    size ??= list?.assumedSize;
    const inner = new Map<string, number>();
    // A page: the size belongs to its item list, not to the page object.
    if (list && list.sizedFields.length > 0 && size !== undefined) for (const f of list.sizedFields) inner.set(f, size);
    const own = isList(definition.type) ? (sized.get(definition.name) ?? (list?.sizedFields.length ? undefined : size) ?? defaultListSize) : 1;
    const below = node.selectionSet && isCompositeType(named) ? selections(node.selectionSet, named, inner, false) : 0;
    return own * (weight + below);
  };

  return selections(operation.selectionSet, root, new Map(), true);
}

const coordinates = new WeakMap<object, string>();

/** `Type.field`, written once per field of the schema rather than once per selection estimated. */
function coordinateOf(parent: GraphQLNamedType, field: { name: string }): string {
  let coordinate = coordinates.get(field);
  if (coordinate === undefined) coordinates.set(field, (coordinate = `${parent.name}.${field.name}`));
  return coordinate;
}

function isList(type: unknown): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/**
 * Estimates kept per operation, for operations whose estimate no variable
 * enters: Apollo Server hands every request of a document it has seen the
 * same parsed document, so the same operation node means the same text, and
 * its estimate on the same schema and hints is the same number. Estimating
 * took about 1 % of the gateway's CPU under the crowd bench, for operations
 * estimated thousands of times over. An operation whose list sizes come
 * from variables is estimated on every request. Nothing is kept across a
 * supergraph change; entries go with their documents (a WeakMap).
 */
export class CostEstimates {
  private schema: GraphQLSchema | null = null;
  private hints: CostHints | null = null;
  private known = new WeakMap<OperationDefinitionNode, number>();

  constructor(private readonly defaultListSize: number) {}

  estimate(schema: GraphQLSchema, hints: CostHints, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
    if (schema !== this.schema || hints !== this.hints) {
      this.schema = schema;
      this.hints = hints;
      this.known = new WeakMap();
    }
    const known = this.known.get(operation);
    if (known !== undefined) return known;
    const reads = { variables: false };
    const cost = estimateCost(schema, hints, document, operation, variables, this.defaultListSize, reads);
    if (!reads.variables) this.known.set(operation, cost);
    return cost;
  }
}

/** Budgets by role, from `anonymous=…,partner=…,customer=…,agent=…`. */
export function parseBudgets(text: string): Record<Role | "anonymous", number> {
  const budgets: Record<string, number> = {};
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [role, value] = part.split("=").map((p) => p.trim());
    if (!["anonymous", "partner", "customer", "agent"].includes(role) || !/^\d+$/.test(value ?? "")) throw new Error(`"${part}" is not role=budget (roles: anonymous, partner, customer, agent)`);
    budgets[role] = Number(value);
  }
  for (const role of ["anonymous", "partner", "customer", "agent"]) if (budgets[role] === undefined) throw new Error(`no budget for ${role}`);
  return budgets as Record<Role | "anonymous", number>;
}

/** The request header with which a client asks for `extensions.cost`. */
export const COST_HEADER = "x-cost";

/** `extensions.cost`: what the operation was estimated to cost, what it cost, and against which budget. */
export interface CostReport {
  estimated: number;
  /** Null for an answer sent in parts (`@defer`): it is not measured. */
  actual: number | null;
  budget: number;
  role: Role | "anonymous";
}

/**
 * Refuses, before any fetch, an operation whose estimated cost is over its
 * caller's budget: a 400 `MAX_COST_EXCEEDED` naming both figures. After an
 * admitted operation ran, measures its actual cost over the answer
 * (execution/actual-cost.ts) for the metrics, and puts both figures in
 * `extensions.cost` when the client asked with `x-cost: 1`. Anyone may ask:
 * the figures are the caller's own, as a refusal would tell them.
 */
export function demandControl(budgets: Record<Role | "anonymous", number>, defaultListSize: number, hintsNow: () => CostHints | null, observer: CostObserver): ApolloServerPlugin<GatewayContext> {
  return demandControlPlugin(new DemandControl(budgets, defaultListSize, hintsNow, observer));
}

/** Demand control as Apollo Server runs it: admitted when the operation is resolved, reported as the answer goes out. */
export function demandControlPlugin(control: DemandControl): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let admitted: Admitted | undefined;
      return {
        async didResolveOperation({ document, operation, request, contextValue, schema }) {
          if (operation) admitted = control.admit(schema, document, operation, request.variables, contextValue.identity);
        },
        async willSendResponse({ response, contextValue, operationName }) {
          if (!admitted) return;
          const body = response.body;
          control.report(admitted, body.kind === "single" ? body.singleResult : body.initialResult, body.kind === "single", operationName ?? null, contextValue.wantCost === true);
        },
      };
    },
  };
}

/** An operation let through, with what its report needs. */
export interface Admitted {
  hints: CostHints;
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  estimated: number;
  role: Role | "anonymous";
}

/**
 * The estimate against the budget, and the report after the run: one
 * object for Apollo's plugin above and the fast path (http/fast-path.ts).
 */
export class DemandControl {
  private readonly estimates: CostEstimates;

  constructor(
    private readonly budgets: Record<Role | "anonymous", number>,
    defaultListSize: number,
    private readonly hintsNow: () => CostHints | null,
    private readonly observer: CostObserver,
  ) {
    this.estimates = new CostEstimates(defaultListSize);
  }

  /** The operation admitted, undefined when there are no hints to estimate with; throws the refusal (a 400 MAX_COST_EXCEEDED). */
  admit(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, identity: { role: Role } | null): Admitted | undefined {
    const hints = this.hintsNow();
    if (!hints) return undefined;
    const role = identity?.role ?? "anonymous";
    const cost = this.estimates.estimate(schema, hints, document, operation, variables ?? {});
    const budget = this.budgets[role];
    if (cost <= budget) return { hints, schema, document, operation, estimated: cost, role };
    this.observer.refused(role);
    throw new GraphQLError(
      `the operation would cost too much to run: its estimated cost is ${readable(cost)} where the budget of ${role === "anonymous" ? "an anonymous caller" : `a${role === "agent" ? "n" : ""} ${role}`} is ${budget} (a list field counts what it selects once per element, its size being \`first\` or what its unit declares)`,
      {
        extensions: { code: "MAX_COST_EXCEEDED", estimatedCost: Number.isFinite(cost) ? cost : String(cost), budget, http: { status: 400 } },
      },
    );
  }

  /**
   * After the run: the actual cost measured for the metrics when the answer
   * is one result (`single`), and `extensions.cost` added to `result` when
   * the client asked for it.
   */
  report(admitted: Admitted, result: { data?: unknown; extensions?: Record<string, unknown> }, single: boolean, operationName: string | null, wantCost: boolean): void {
    const { hints, schema, document, operation, estimated, role } = admitted;
    let actual: number | null = null;
    if (single) {
      actual = actualCost(schema, hints, document, operation, result.data as Parameters<typeof actualCost>[4]);
      this.observer.measured(operationName, role, estimated, actual);
    }
    if (!wantCost) return;
    const cost: CostReport = { estimated, actual, budget: this.budgets[role], role };
    result.extensions = { ...result.extensions, cost };
  }
}

function readable(n: number): string {
  return n < 1e15 ? String(Math.round(n)) : Number.isFinite(n) ? n.toPrecision(3) : "beyond counting";
}
