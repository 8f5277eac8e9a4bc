import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type InlineFragmentNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  parse,
  print,
} from "graphql";
import { type BatchFetchStep, type FetchStep, type PathStep, type Plan, type PlanNode, fragmentsOf } from "./plan";
import type { EntityKeys } from "./supergraph";

/**
 * Folds an entity fetch into an earlier fetch to the same unit that already
 * returns the very objects it would extend, when the only thing it sends
 * along is their key.
 *
 * Both planners split a `@requires` field's inputs into a fetch of their
 * own. On an order history (orders → lines → product → price) retail is
 * asked for the orders with their products' names, and then, in a second
 * request with every product's key, for the same products' `category` and
 * `listPrice`, which promotions' `price` requires. The first request could
 * have asked for them where it names the products: the unit resolves every
 * field of its own types wherever its schema returns one. Folded, the plan
 * sends one request fewer, writes and parses no representations for it, and
 * the unit looks the products up once.
 *
 * A fetch F is folded into a fetch G when:
 * - both are queries to the same unit, G completes before F starts (an
 *   earlier step of a Sequence), and neither is under a Condition, Defer or
 *   Subscription (a conditional or deferred part keeps its own fetch);
 * - F asks `_entities` for one type T and requires exactly one of T's keys
 *   for that unit, no other field (a `@requires` field needs inputs the unit
 *   only gets in a representation), and neither carries rewrites;
 * - F's objects are reached in G's own selection through fields and inline
 *   fragments only (no named fragment, no type condition in F's path): one
 *   field per step, ending at a field whose type is T or has T among its
 *   possible types;
 * - F's fields merge with what G selects there (a response name G already
 *   has must be the same field with the same arguments), and F's variables
 *   are declared alike in G, or not at all.
 *
 * F's selection goes in as `... on T { ... }` with its named fragments
 * written out inline. What a client sees changes in one way only: an error
 * on one of F's fields in the unit now nulls what the unit's schema makes
 * it null, as when the client selects that field there itself; a unit that
 * is down or slow fails both alike.
 */
export function foldFetches(plan: Plan, keys: EntityKeys, schema: GraphQLSchema): Plan {
  if (!plan.node) return plan;
  const folding = new Folding(keys, schema);
  folding.visit(plan.node, [], []);
  if (folding.folded.size === 0) return plan;
  const node = folding.rebuild(plan.node);
  return { ...plan, node };
}

/** A fetch that can take others in. */
interface Host {
  step: FetchStep | BatchFetchStep;
  /** Where its answers land, from the root. */
  base: readonly PathStep[];
  /** Its document, parsed when a fetch to fold first looks into it (most plans fold nothing), and grown in place. */
  opened?: Opened | null;
  variableUsages: string[];
  grown: boolean;
}

interface Opened {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Absolute paths of where its answers land: one for a root or entity fetch, one per single-path batch. */
  starts: { path: readonly PathStep[]; selections: SelectionSetNode; type: GraphQLNamedType | undefined }[];
}

class Folding {
  /** The fetches folded away. */
  readonly folded = new Set<FetchStep>();
  private readonly hosts = new Map<FetchStep | BatchFetchStep, Host>();

  constructor(
    private readonly keys: EntityKeys,
    private readonly schema: GraphQLSchema,
  ) {}

  /**
   * Walks the plan in execution order; `done` holds the fetches complete
   * before this node starts. Returns the fetches this node runs.
   */
  visit(node: PlanNode, base: readonly PathStep[], done: readonly Host[]): Host[] {
    switch (node.kind) {
      case "Sequence": {
        const mine: Host[] = [];
        let before = done;
        for (const child of node.nodes) {
          const ran = this.visit(child, base, before);
          mine.push(...ran);
          before = before.concat(ran);
        }
        return mine;
      }
      case "Parallel":
        return node.nodes.flatMap((child) => this.visit(child, base, done));
      case "Flatten":
        return this.visit(node.node, base.concat(node.path), done);
      case "Fetch":
      case "BatchFetch": {
        if (node.kind === "Fetch" && this.tryFold(node, base, done)) return [];
        const host = this.hostOf(node, base);
        return host ? [host] : [];
      }
      default:
        // Condition, Defer, Subscription: their fetches neither fold nor take others in.
        return [];
    }
  }

  /** The plan with every folded fetch gone and every host's operation grown. */
  rebuild(node: PlanNode): PlanNode {
    const rebuilt = this.rebuildNode(node);
    return rebuilt ?? { kind: "Sequence", nodes: [] };
  }

  private rebuildNode(node: PlanNode): PlanNode | null {
    switch (node.kind) {
      case "Sequence":
      case "Parallel": {
        const nodes = node.nodes.map((child) => this.rebuildNode(child)).filter((child): child is PlanNode => child !== null);
        if (nodes.length === 0) return null;
        return nodes.length === 1 ? nodes[0] : { kind: node.kind, nodes };
      }
      case "Flatten": {
        const inner = this.rebuildNode(node.node);
        return inner && { ...node, node: inner };
      }
      case "Fetch":
      case "BatchFetch": {
        if (node.kind === "Fetch" && this.folded.has(node)) return null;
        const host = this.hosts.get(node);
        if (!host?.grown || !host.opened) return node;
        const operation = print(host.opened.document);
        return { ...node, operation, document: parse(operation), variableUsages: host.variableUsages };
      }
      default:
        return node;
    }
  }

  private hostOf(step: FetchStep | BatchFetchStep, base: readonly PathStep[]): Host | undefined {
    if (step.operationKind !== "query") return undefined;
    if (step.kind === "Fetch" && (step.inputRewrites?.length || step.outputRewrites?.length)) return undefined;
    if (step.kind === "BatchFetch" && step.batches.some((b) => b.inputRewrites?.length || b.outputRewrites?.length)) return undefined;
    const host: Host = { step, base, variableUsages: [...step.variableUsages], grown: false };
    this.hosts.set(step, host);
    return host;
  }

  /** The host's document, parsed on first need; null when it has no operation to grow. */
  private open(host: Host): Opened | null {
    if (host.opened !== undefined) return host.opened;
    const { step, base } = host;
    const document = parse(step.operation, { noLocation: true });
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode | undefined;
    const root = this.schema.getQueryType();
    if (!operation || !root) return (host.opened = null);
    const starts: Opened["starts"] = [];
    if (step.kind === "Fetch" && !step.requires) {
      starts.push({ path: base, selections: operation.selectionSet, type: root });
    } else {
      const entities = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === "_entities");
      for (const field of entities) {
        const alias = field.alias?.value ?? "_entities";
        const path = step.kind === "Fetch" ? base : singlePath(step, alias);
        // Under `_entities` only inline fragments on entity types lead anywhere: no type of its own is needed.
        if (path && field.selectionSet) starts.push({ path, selections: field.selectionSet, type: undefined });
      }
    }
    return (host.opened = { document, operation, starts });
  }

  private tryFold(fetch: FetchStep, path: readonly PathStep[], done: readonly Host[]): boolean {
    const folding = this.foldable(fetch);
    if (!folding) return false;
    for (let i = done.length - 1; i >= 0; i -= 1) {
      const host = done[i];
      if (host.step.unit !== fetch.unit) continue;
      const opened = this.open(host);
      if (!opened) continue;
      for (const start of opened.starts) {
        const rest = remainder(start.path, path);
        if (!rest) continue;
        const target = this.walk(start.selections, start.type, rest);
        if (!target || !(target.type === folding.type || (isAbstractType(target.type) && this.schema.isSubType(target.type, folding.type)))) continue;
        if (!mergeable(target.selections, folding.fields)) continue;
        const { operation } = opened;
        const variables = variablesFor(operation, folding.variables);
        if (!variables) continue;
        (operation as { variableDefinitions?: VariableDefinitionNode[] }).variableDefinitions = [...(operation.variableDefinitions ?? []), ...variables];
        // The host's document is its own, freshly parsed: it grows in place.
        (target.selections as { selections: readonly SelectionNode[] }).selections = [...target.selections.selections, inlineFragment(folding.type.name, folding.fields)];
        for (const name of fetch.variableUsages) if (!host.variableUsages.includes(name)) host.variableUsages.push(name);
        host.grown = true;
        this.folded.add(fetch);
        return true;
      }
    }
    return false;
  }

  /** What F would add, when F is an entity fetch that needs nothing but a key. */
  private foldable(fetch: FetchStep): { type: GraphQLObjectType; fields: SelectionNode[]; variables: VariableDefinitionNode[] } | undefined {
    if (fetch.operationKind !== "query" || !fetch.requires || fetch.inputRewrites?.length || fetch.outputRewrites?.length) return undefined;
    const [required, ...more] = fetch.requires;
    if (!required || more.length > 0 || required.kind !== "InlineFragment" || !required.typeCondition) return undefined;
    const keyFields: string[] = [];
    for (const selection of required.selections) {
      if (selection.kind !== "Field" || selection.selections || selection.readFrom) return undefined;
      if (selection.name !== "__typename") keyFields.push(selection.name);
    }
    const keys = this.keys.get(required.typeCondition)?.get(fetch.unit) ?? [];
    if (!keys.some((key) => key.length === keyFields.length && key.every((k) => keyFields.includes(k)))) return undefined;
    const type = this.schema.getType(required.typeCondition);
    if (!type || !isObjectType(type)) return undefined;
    const document = parse(fetch.operation, { noLocation: true });
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const fragments = fragmentsOf(document);
    const [entities, ...others] = operation?.selectionSet.selections ?? [];
    if (!operation || others.length > 0 || entities?.kind !== Kind.FIELD || entities.name.value !== "_entities" || entities.alias || entities.directives?.length) return undefined;
    const fields: SelectionNode[] = [];
    for (const selection of entities.selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD && selection.name.value === "__typename" && !selection.alias) continue;
      if (selection.kind !== Kind.INLINE_FRAGMENT || selection.typeCondition?.name.value !== type.name || selection.directives?.length) return undefined;
      for (const inner of selection.selectionSet.selections) {
        // The fragment's own fields only, each of them a field: a nested type condition is left to its own fetch.
        if (inner.kind !== Kind.FIELD) return undefined;
        const written = inlined(inner, fragments);
        if (!written) return undefined;
        fields.push(written);
      }
    }
    if (fields.length === 0) return undefined;
    const variables = (operation.variableDefinitions ?? []).filter((v) => v.variable.name.value !== "representations");
    return { type, fields, variables };
  }

  /** The selection set `rest` leads to from `selections` (of `type`), and its type; undefined when the way is not plain. */
  private walk(selections: SelectionSetNode, type: GraphQLNamedType | undefined, rest: readonly PathStep[]): { selections: SelectionSetNode; type: GraphQLNamedType } | undefined {
    let set = selections;
    let at = type;
    for (const step of rest) {
      if (step === "@") continue;
      if (typeof step !== "string") return undefined;
      const found: { field: FieldNode; parent: GraphQLNamedType | undefined }[] = [];
      if (!fieldsNamed(this.schema, set, at, step, found) || found.length !== 1) return undefined;
      const [{ field, parent }] = found;
      if (!field.selectionSet || !parent || (!isObjectType(parent) && !isInterfaceType(parent))) return undefined;
      const definition = parent.getFields()[field.name.value];
      if (!definition) return undefined;
      set = field.selectionSet;
      at = getNamedType(definition.type);
    }
    return at && { selections: set, type: at };
  }
}

/** The one path of a batch, when it has just one (a batch of several paths would take F's fields at all of them). */
function singlePath(step: BatchFetchStep, alias: string): readonly PathStep[] | undefined {
  const batch = step.batches.find((b) => b.alias === alias);
  return batch && batch.paths.length === 1 ? batch.paths[0] : undefined;
}

/** The steps of `path` after `prefix`, when `prefix` starts it (type conditions compared by their types). */
function remainder(prefix: readonly PathStep[], path: readonly PathStep[]): readonly PathStep[] | undefined {
  if (prefix.length >= path.length) return undefined;
  for (let i = 0; i < prefix.length; i += 1) if (stepKey(prefix[i]) !== stepKey(path[i])) return undefined;
  return path.slice(prefix.length);
}

function stepKey(step: PathStep): string {
  return typeof step === "string" ? step : `... on ${[...step.typeIn].sort().join("|")}`;
}

/**
 * Every field answering to `name` in `set`, through inline fragments (each
 * with the type it applies to). False when a named fragment could hold one
 * too: the way is then not plain.
 */
function fieldsNamed(schema: GraphQLSchema, set: SelectionSetNode, type: GraphQLNamedType | undefined, name: string, found: { field: FieldNode; parent: GraphQLNamedType | undefined }[]): boolean {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) return false;
    if (selection.kind === Kind.FIELD) {
      if ((selection.alias?.value ?? selection.name.value) === name) found.push({ field: selection, parent: type });
      continue;
    }
    const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
    if (!condition || !fieldsNamed(schema, selection.selectionSet, condition, name, found)) return false;
  }
  return true;
}

/**
 * Whether F's fields can join `set`: a response name already there must be
 * the same field with the same arguments and selection, so that the two
 * merge as GraphQL merges fields.
 */
function mergeable(set: SelectionSetNode, fields: readonly SelectionNode[]): boolean {
  const there = new Map<string, string[]>();
  const collect = (s: SelectionSetNode): boolean => {
    for (const selection of s.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) return false;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!collect(selection.selectionSet)) return false;
        continue;
      }
      const name = selection.alias?.value ?? selection.name.value;
      there.set(name, [...(there.get(name) ?? []), print(selection as FieldNode)]);
    }
    return true;
  };
  if (!collect(set)) return false;
  for (const field of fields) {
    if (field.kind !== Kind.FIELD) return false;
    const name = field.alias?.value ?? field.name.value;
    if (name === "__typename" && !field.alias) continue;
    const mine = print(field as FieldNode);
    if ((there.get(name) ?? []).some((printed) => printed !== mine)) return false;
  }
  return true;
}

/** F's variable definitions G lacks; undefined when G defines one of the same name otherwise. */
function variablesFor(operation: OperationDefinitionNode, wanted: readonly VariableDefinitionNode[]): VariableDefinitionNode[] | undefined {
  const existing = new Map((operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, print(v as VariableDefinitionNode)]));
  const added: VariableDefinitionNode[] = [];
  for (const definition of wanted) {
    const known = existing.get(definition.variable.name.value);
    if (known === undefined) added.push(definition as VariableDefinitionNode);
    else if (known !== print(definition)) return undefined;
  }
  return added;
}

function inlineFragment(type: string, fields: SelectionNode[]): InlineFragmentNode {
  return { kind: Kind.INLINE_FRAGMENT, typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: type } }, directives: [], selectionSet: { kind: Kind.SELECTION_SET, selections: fields } };
}

/** A selection with its named fragments written out as inline fragments; undefined for a spread of an unknown fragment. */
function inlined(selection: SelectionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, depth = 0): SelectionNode | undefined {
  if (depth > 64) return undefined;
  if (selection.kind === Kind.FRAGMENT_SPREAD) {
    const fragment = fragments.get(selection.name.value);
    if (!fragment) return undefined;
    const inner = inlinedSet(fragment.selectionSet, fragments, depth + 1);
    return inner && { kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, directives: selection.directives ?? [], selectionSet: inner };
  }
  if (!selection.selectionSet) return selection as SelectionNode;
  const inner = inlinedSet(selection.selectionSet, fragments, depth + 1);
  return inner && ({ ...selection, selectionSet: inner } as SelectionNode);
}

function inlinedSet(set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, depth: number): SelectionSetNode | undefined {
  const selections: SelectionNode[] = [];
  for (const selection of set.selections) {
    const written = inlined(selection, fragments, depth);
    if (!written) return undefined;
    selections.push(written);
  }
  return { kind: Kind.SELECTION_SET, selections };
}
