import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  type SelectionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
  parse,
  print,
  stripIgnoredCharacters,
  visit,
} from "graphql";

/**
 * Several query fetches to one subgraph, issued in the same tick by parallel
 * branches of a query plan, sent as one request. Fetch i's root fields are
 * aliased `_i_<key>`, its variables renamed `$_i_<name>` and its fragments
 * `_i_<Name>`, so the fetches cannot collide; the answer is split back by
 * those aliases into the answer each fetch would have had alone.
 *
 * Fragment spreads at the root are inlined (`...F @d` selects exactly what
 * `... on T @d { F's selections }` does), so their fields are aliased too and
 * nothing that is a valid query is refused. Fragments left unused by that are
 * dropped: subgraphs validate, and an unused fragment is an invalid document.
 *
 * What one request cannot keep apart: an error that fails the whole request
 * (a variable of one fetch that does not coerce) fails every fetch, and a
 * non-null root field of one fetch that errors nulls every fetch's data.
 */

export interface SubgraphRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface SubgraphResponse {
  data?: Record<string, unknown> | null;
  /** `locations` are passed on as they came: they point into the merged document (the gateway drops them anyway). */
  errors?: ReadonlyArray<GraphQLFormattedError>;
  extensions?: Record<string, unknown>;
}

/** One request standing for several; `split` turns its answer into each original's answer, in order. */
export interface Coalesced {
  request: SubgraphRequest;
  split(response: SubgraphResponse): SubgraphResponse[];
}

/** Where a root key of the merged answer belongs. */
interface Route {
  fetch: number;
  key: string;
}

/** What a set of query texts merges into; built once per set, then only looked up. */
interface Plan {
  query: string;
  operationName: string;
  /** Per fetch, its declared variables as [original, renamed]. */
  variables: Array<Array<[string, string]>>;
  /** Merged root response key → the fetch it belongs to and its key there. */
  routes: Map<string, Route>;
}

/** Names cannot start with a digit, so `_${i}_` prefixes never make two names equal. */
const prefixed = (fetch: number, name: string): string => `_${fetch}_${name}`;

export class Coalescer {
  private readonly plans = new Map<string, Plan>();
  /**
   * A number per distinct fetch text, so a plan's key is a short list of
   * numbers rather than all its texts again (the plans hold those already).
   */
  private readonly numbers = new Map<string, number>();
  private built = 0;

  constructor(private readonly capacity = 200) {}

  /** How many plans were built (cache misses); for tests. */
  get misses(): number {
    return this.built;
  }

  /**
   * Throws if a document is not one query operation (plus fragments) or has
   * directives on the operation. A lone request is passed through unread.
   */
  coalesce(requests: readonly SubgraphRequest[]): Coalesced {
    if (requests.length === 0) throw new Error("coalesce: no requests");
    if (requests.length === 1) return { request: requests[0], split: (response) => [response] };
    const plan = this.plan(requests.map((request) => request.query));
    const variables: Record<string, unknown> = {};
    plan.variables.forEach((names, i) => {
      const values = requests[i].variables;
      if (!values) return;
      for (const [name, renamed] of names) if (Object.hasOwn(values, name)) variables[renamed] = values[name];
    });
    return { request: { query: plan.query, variables, operationName: plan.operationName }, split: (response) => split(plan, requests.length, response) };
  }

  /** An LRU: a hit moves to the back of the Map's insertion order, the front is evicted. */
  private plan(queries: string[]): Plan {
    const key = queries.map((query) => this.numberOf(query)).join(",");
    let plan = this.plans.get(key);
    if (plan) {
      this.plans.delete(key);
    } else {
      plan = build(queries);
      this.built += 1;
      if (this.plans.size >= this.capacity) this.plans.delete(this.plans.keys().next().value as string);
    }
    this.plans.set(key, plan);
    return plan;
  }

  private numberOf(query: string): number {
    let n = this.numbers.get(query);
    if (n === undefined) {
      // Fetch texts come from query plans, so they are few; should a flood of new ones come, start over.
      if (this.numbers.size >= this.capacity * 20) {
        this.numbers.clear();
        this.plans.clear();
      }
      n = this.numbers.size;
      this.numbers.set(query, n);
    }
    return n;
  }
}

const shared = new Coalescer();

/** Coalesces with a process-wide cache of 200 merged documents. */
export function coalesce(requests: readonly SubgraphRequest[]): Coalesced {
  return shared.coalesce(requests);
}

function build(queries: readonly string[]): Plan {
  const selections: SelectionNode[] = [];
  const variableDefinitions: VariableDefinitionNode[] = [];
  const fragments: FragmentDefinitionNode[] = [];
  const variables: Plan["variables"] = [];
  const routes = new Map<string, Route>();
  let firstName: string | undefined;

  queries.forEach((query, i) => {
    const { operation, fragmentsByName } = readFetch(query, i);
    firstName ??= operation.name?.value;
    const root = aliasRoot(operation.selectionSet, i, fragmentsByName, routes, []);
    const renamed = renameApart({ ...operation, selectionSet: root }, [...fragmentsByName.values()], i);
    selections.push(...renamed.operation.selectionSet.selections);
    variableDefinitions.push(...(renamed.operation.variableDefinitions ?? []));
    fragments.push(...used(renamed.operation, renamed.fragments));
    variables.push((operation.variableDefinitions ?? []).map((definition) => [definition.variable.name.value, prefixed(i, definition.variable.name.value)]));
  });

  const operationName = `${firstName ?? "Coalesced"}__x${queries.length}`;
  const operation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: OperationTypeNode.QUERY,
    name: { kind: Kind.NAME, value: operationName },
    variableDefinitions,
    directives: [],
    selectionSet: { kind: Kind.SELECTION_SET, selections },
  };
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
  return { query: stripIgnoredCharacters(print(document)), operationName, variables, routes };
}

function readFetch(query: string, fetch: number): { operation: OperationDefinitionNode; fragmentsByName: Map<string, FragmentDefinitionNode> } {
  const refuse = (why: string): never => {
    throw new Error(`coalesce: fetch ${fetch} ${why}`);
  };
  let operation: OperationDefinitionNode | undefined;
  const fragmentsByName = new Map<string, FragmentDefinitionNode>();
  for (const definition of parse(query, { noLocation: true }).definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragmentsByName.set(definition.name.value, definition);
    } else if (definition.kind !== Kind.OPERATION_DEFINITION) {
      refuse(`holds a ${definition.kind}`);
    } else if (operation) {
      refuse("holds more than one operation");
    } else if (definition.operation !== OperationTypeNode.QUERY) {
      refuse(`is a ${definition.operation}; only queries are merged`);
    } else if (definition.directives?.length) {
      refuse("has directives on its operation");
    } else {
      operation = definition;
    }
  }
  return { operation: operation ?? refuse("holds no operation"), fragmentsByName };
}

/** Aliases fetch i's root fields apart, inlining root fragment spreads so that the fields inside them are aliased as well. */
function aliasRoot(selectionSet: SelectionSetNode, fetch: number, fragments: ReadonlyMap<string, FragmentDefinitionNode>, routes: Map<string, Route>, spreading: readonly string[]): SelectionSetNode {
  const selections = selectionSet.selections.map((selection): SelectionNode => {
    switch (selection.kind) {
      case Kind.FIELD: {
        const key = selection.alias?.value ?? selection.name.value;
        const alias = prefixed(fetch, key);
        routes.set(alias, { fetch, key });
        return { ...selection, alias: { kind: Kind.NAME, value: alias } };
      }
      case Kind.INLINE_FRAGMENT:
        return { ...selection, selectionSet: aliasRoot(selection.selectionSet, fetch, fragments, routes, spreading) };
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment) throw new Error(`coalesce: fetch ${fetch} spreads an unknown fragment ${name}`);
        if (spreading.includes(name)) throw new Error(`coalesce: fetch ${fetch} spreads fragment ${name} within itself`);
        const inner = aliasRoot(fragment.selectionSet, fetch, fragments, routes, [...spreading, name]);
        return { kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, directives: selection.directives, selectionSet: inner };
      }
    }
  });
  return { ...selectionSet, selections };
}

/** Renames fetch i's variables (definitions and every use) and fragments (definitions and spreads). */
function renameApart(operation: OperationDefinitionNode, fragments: FragmentDefinitionNode[], fetch: number): { operation: OperationDefinitionNode; fragments: FragmentDefinitionNode[] } {
  const rename = <T extends { name: { value: string } }>(node: T): T => ({ ...node, name: { ...node.name, value: prefixed(fetch, node.name.value) } });
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
  const [renamed, ...renamedFragments] = visit(document, { Variable: rename, FragmentSpread: rename, FragmentDefinition: rename }).definitions;
  return { operation: renamed as OperationDefinitionNode, fragments: renamedFragments as FragmentDefinitionNode[] };
}

/** The fragments the operation reaches, in their document order. */
function used(operation: OperationDefinitionNode, fragments: readonly FragmentDefinitionNode[]): FragmentDefinitionNode[] {
  const byName = new Map(fragments.map((fragment) => [fragment.name.value, fragment]));
  const reached = new Set<string>();
  const reach = (node: OperationDefinitionNode | FragmentDefinitionNode): void => {
    visit(node, {
      FragmentSpread(spread) {
        const fragment = byName.get(spread.name.value);
        if (!fragment || reached.has(spread.name.value)) return;
        reached.add(spread.name.value);
        reach(fragment);
      },
    });
  };
  reach(operation);
  return fragments.filter((fragment) => reached.has(fragment.name.value));
}

function split(plan: Plan, fetches: number, response: SubgraphResponse): SubgraphResponse[] {
  const { data, extensions } = response;
  const parts: SubgraphResponse[] = [];
  const errors: GraphQLFormattedError[][] = [];
  for (let i = 0; i < fetches; i += 1) {
    const part: SubgraphResponse = {};
    // An answer without data (a request error) stays one without data.
    if (data !== undefined) part.data = data === null ? null : {};
    if (extensions !== undefined) part.extensions = extensions;
    parts.push(part);
    errors.push([]);
  }

  if (data) {
    for (const key of Object.keys(data)) {
      const route = plan.routes.get(key);
      if (route) (parts[route.fetch].data as Record<string, unknown>)[route.key] = data[key];
    }
  }

  for (const error of response.errors ?? []) {
    const head = error.path?.[0];
    const route = typeof head === "string" ? plan.routes.get(head) : undefined;
    if (route) errors[route.fetch].push({ ...error, path: [route.key, ...error.path!.slice(1)] });
    else for (const own of errors) own.push({ ...error });
  }
  if (data === null) {
    // Another fetch's non-null root field nulled this one's data: say so,
    // rather than hand back null data with no error. The path is dropped, as
    // it names a field this fetch never asked for.
    for (const own of errors) {
      if (own.length > 0) continue;
      for (const { path: _path, ...error } of response.errors ?? []) own.push(error);
    }
  }

  errors.forEach((own, i) => {
    if (own.length > 0) parts[i].errors = own;
  });
  return parts;
}
