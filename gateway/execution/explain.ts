import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  parse,
} from "graphql";
import type { Identity } from "../../kit/identity";
import type { PlanNode } from "../planning/plan";
import { joinGraphNames } from "../planning/supergraph";

/**
 * `extensions.explain`, for a request sent with `x-explain: 1`: the query
 * plan, each fetch as it went (subgraph-calls/explain.ts records them), and
 * for every `null` in the answer why it is null. Integrators ask "why is
 * this null?"; the answer names the unit and the reason instead of a guess.
 *
 * Only in development, or for agents: the plan names units and timings
 * that customers, partners and anonymous callers have no use for in
 * production. A request that may not explain is answered as without the
 * header (and, like every explained answer, never cached).
 */
export interface ExplainedFetch {
  unit: string;
  operationName: string | null;
  /** Entities the fetch asked the unit for (0 for a root fetch). */
  entities: number;
  ms: number;
  /** Another fetch's request carried this one (an identical fetch in flight, or the same batch). */
  shared: boolean;
  /** Went out in one request with other fetches (merged with aliases). */
  merged: boolean;
  /** `ok`, `errors` (the unit answered with errors) or the failure's code (`TIMEOUT`, `UNAVAILABLE`...). */
  outcome: string;
}

/** A query's root fetch failed and another unit was asked for root fields it answers too (root-fallback.ts). */
export interface ExplainedFallback {
  /** The unit whose root fetch failed. */
  failed: string;
  /** The unit asked instead (its fetch is among `fetches`, under `operationName`). */
  askedInstead: string;
  /** The root fields (response names) asked of it. */
  fields: string[];
  operationName: string | null;
  /** Whether it answered with data (false: it failed too, and its error is among the answer's). */
  answered: boolean;
}

export interface ExplainLog {
  fetches: ExplainedFetch[];
  fallbacks: ExplainedFallback[];
}

export const EXPLAIN_HEADER = "x-explain";

/** A log for this request when it asked for explain and may have it; null otherwise. */
export function explainLog(config: { NODE_ENV: string }, identity: Identity | null, header: string | undefined): ExplainLog | null {
  if (header !== "1") return null;
  return config.NODE_ENV !== "production" || identity?.role === "agent" ? { fetches: [], fallbacks: [] } : null;
}

export type NullReason = { path: (string | number)[]; reason: "authorization" | "unit failed" | "error"; unit: string | null; code: string; message: string } | { path: (string | number)[]; reason: "missing entity" | "no value"; unit: string | null };

/** Which unit resolves each `Type.field`, read from the supergraph's `@join__field`/`@join__type`. */
export function fieldOwners(supergraphSdl: string): Map<string, string> {
  const document = parse(supergraphSdl, { noLocation: true });
  const graphs = joinGraphNames(document);
  const owners = new Map<string, string>();
  const graphOf = (directive: { arguments?: readonly { name: { value: string }; value: { kind: string; value?: unknown } }[] }) => {
    const graph = directive.arguments?.find((a) => a.name.value === "graph")?.value;
    return graph?.kind === Kind.ENUM ? graphs.get(String(graph.value)) : undefined;
  };
  for (const d of document.definitions) {
    if ((d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.INTERFACE_TYPE_DEFINITION) || !d.fields) continue;
    const typeGraphs = (d.directives ?? []).filter((x) => x.name.value === "join__type").map(graphOf);
    for (const field of d.fields) {
      const resolving = (field.directives ?? []).filter((x) => x.name.value === "join__field" && !x.arguments?.some((a) => a.name.value === "external" && a.value.kind === Kind.BOOLEAN && a.value.value));
      const unit = resolving.length > 0 ? graphOf(resolving[0]) : typeGraphs.length === 1 ? typeGraphs[0] : undefined;
      if (unit) owners.set(`${d.name.value}.${field.name.value}`, unit);
    }
  }
  return owners;
}

const FAILURE_CODES = new Set(["UNAVAILABLE", "TIMEOUT", "CIRCUIT_OPEN", "UNIT_REFUSED"]);
const AUTHORIZATION_CODES = new Set(["FORBIDDEN", "UNAUTHENTICATED"]);

/**
 * Every null in `data` with its reason: the error at or below its path
 * (authorization, a unit that failed, or another error), else the unit that
 * resolves the field answered null (an entity it does not have, or a field
 * with no value). `typeAt` gives the parent type name of a path's last field.
 */
export function nullReasons(data: unknown, errors: readonly GraphQLError[], owners: Map<string, string>, typeAt: (path: (string | number)[]) => { parent: string; field: string; entity: boolean } | undefined): NullReason[] {
  const reasons: NullReason[] = [];
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (value === null) {
      if (path.length > 0) reasons.push(reasonFor(path));
      return;
    }
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    else if (typeof value === "object") for (const [key, child] of Object.entries(value as object)) visit(child, [...path, key]);
  };
  const reasonFor = (path: (string | number)[]): NullReason => {
    const at = typeAt(path);
    const owner = at ? (owners.get(`${at.parent}.${at.field}`) ?? null) : null;
    // The error at or below the null; else one of the owning unit's that landed above it or nowhere (a failed fetch).
    const error =
      errors.find((e) => e.path && path.every((step, i) => e.path![i] === step)) ?? errors.find((e) => (!e.path || e.path.every((step, i) => path[i] === step)) && owner !== null && (e.extensions?.unit ?? e.extensions?.serviceName) === owner);
    if (error) {
      const code = String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR");
      const unit = (error.extensions?.unit ?? error.extensions?.serviceName ?? owner) as string | null;
      const reason = AUTHORIZATION_CODES.has(code) ? "authorization" : FAILURE_CODES.has(code) ? "unit failed" : "error";
      return { path, reason, unit, code, message: error.message };
    }
    return { path, reason: at?.entity ? "missing entity" : "no value", unit: owner };
  };
  visit(data, []);
  return reasons;
}

/** The plan as JSON, without the parsed documents (the operation text says the same). */
export function planForExplain(node: PlanNode | null): unknown {
  return node === null ? null : JSON.parse(JSON.stringify(node, (key, value: unknown) => (key === "document" ? undefined : value)));
}

/**
 * The field a response path ends at, found through the client's operation
 * (aliases, fragments): its parent type's name, its name, and whether it
 * returns an object (a null object is an entity the unit does not have).
 */
export function fieldAtPath(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, path: (string | number)[]): { parent: string; field: string; entity: boolean } | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let type: GraphQLNamedType | undefined | null = schema.getRootType(operation.operation);
  let set: SelectionSetNode | undefined = operation.selectionSet;
  let found: { parent: string; field: string; entity: boolean } | undefined;
  for (const step of path) {
    if (typeof step === "number") continue;
    if (!set || !type) return undefined;
    const match = findField(set, step, type, schema, fragments);
    if (!match) return undefined;
    const named = getNamedType(match.field.type);
    found = { parent: match.parent.name, field: match.field.name, entity: isObjectType(named) };
    type = named;
    set = match.node.selectionSet;
  }
  return found;
}

function findField(
  set: SelectionSetNode,
  key: string,
  type: GraphQLNamedType,
  schema: GraphQLSchema,
  fragments: Map<string, FragmentDefinitionNode>,
): { node: FieldNode; field: GraphQLField<unknown, unknown>; parent: GraphQLObjectType | GraphQLInterfaceType } | undefined {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if ((selection.alias?.value ?? selection.name.value) !== key) continue;
      const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[selection.name.value] : undefined;
      if (field && (isObjectType(type) || isInterfaceType(type))) return { node: selection, field, parent: type };
    } else {
      const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!inner) continue;
      const condition = inner.typeCondition ? schema.getType(inner.typeCondition.name.value) : type;
      const match = condition ? findField(inner.selectionSet, key, condition, schema, fragments) : undefined;
      if (match) return match;
    }
  }
  return undefined;
}
