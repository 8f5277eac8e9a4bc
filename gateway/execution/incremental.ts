import { type Operation, type Schema, operationFromDocument } from "@apollo/federation-internals";
import { type DirectiveNode, type DocumentNode, type FragmentDefinitionNode, GraphQLError, type InlineFragmentNode, Kind, type OperationDefinitionNode, type SelectionNode, type SelectionSetNode, valueFromASTUntyped, visit } from "graphql";

/*
 * `@defer` for clients that take incremental delivery: which part of the
 * client's operation each payload answers. The primary payload is shaped by
 * the operation without its (active) deferred fragments; each deferred
 * payload by the operation pruned down to that one fragment and the fields
 * leading to it, then cut at the fragment's place (one payload item per
 * object there, lists expanded into concrete paths).
 *
 * Parts are matched to the planner's Defer node by label, so every
 * `@defer` gets one before planning: the client's own, or a generated
 * `cg__defer_<n>` (never shown to the client).
 */

const GENERATED = "cg__defer_";
const labelled = new WeakMap<DocumentNode, DocumentNode>();

/** The document with a label on every `@defer`; the same object when there was nothing to add. */
export function labelDefers(document: DocumentNode): DocumentNode {
  const known = labelled.get(document);
  if (known) return known;
  let count = 0;
  const result = visit(document, {
    Directive(node) {
      if (node.name.value !== "defer" || node.arguments?.some((a) => a.name.value === "label")) return undefined;
      const label = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: "label" }, value: { kind: Kind.STRING, value: `${GENERATED}${count++}` } } as const;
      return { ...node, arguments: [...(node.arguments ?? []), label] };
    },
  });
  const out = count === 0 ? document : result;
  labelled.set(document, out);
  return out;
}

/** A label the client gave (generated ones stay inside the gateway). */
export function clientLabel(label: string | undefined): string | undefined {
  return label === undefined || label.startsWith(GENERATED) ? undefined : label;
}

/** The label of an active `@defer` on a fragment, or null when it is not deferred (absent, or `if: false`). */
function activeDefer(directives: readonly DirectiveNode[] | undefined, variables: Record<string, unknown>): string | null {
  const defer = directives?.find((d) => d.name.value === "defer");
  if (!defer) return null;
  const condition = defer.arguments?.find((a) => a.name.value === "if");
  if (condition && valueFromASTUntyped(condition.value, variables) === false) return null;
  const label = defer.arguments?.find((a) => a.name.value === "label");
  return label ? String(valueFromASTUntyped(label.value, variables)) : "";
}

const withoutDefer = (directives: readonly DirectiveNode[] | undefined) => directives?.filter((d) => d.name.value !== "defer");

interface Doc {
  definition: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
  document: DocumentNode;
}

function docOf(document: DocumentNode, operationName: string | undefined): Doc {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let definition: OperationDefinitionNode | undefined;
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind === Kind.OPERATION_DEFINITION && (operationName === undefined || d.name?.value === operationName)) definition ??= d;
  }
  if (!definition) throw new GraphQLError("no operation to run", { extensions: { code: "BAD_REQUEST" } });
  return { definition, fragments, document };
}

/** A fragment as an inline fragment (spreads expanded), so pruning can change its selections. */
function inline(selection: SelectionNode, doc: Doc): InlineFragmentNode | null {
  if (selection.kind === Kind.INLINE_FRAGMENT) return selection;
  if (selection.kind !== Kind.FRAGMENT_SPREAD) return null;
  const fragment = doc.fragments.get(selection.name.value);
  if (!fragment) return null;
  return { kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, directives: selection.directives, selectionSet: fragment.selectionSet };
}

/** The selections without any active deferred fragment (what the primary payload holds). */
function stripDeferred(set: SelectionSetNode, doc: Doc, variables: Record<string, unknown>): SelectionSetNode {
  const selections: SelectionNode[] = [];
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      selections.push(selection.selectionSet ? { ...selection, selectionSet: stripDeferred(selection.selectionSet, doc, variables) } : selection);
      continue;
    }
    const fragment = inline(selection, doc)!;
    if (activeDefer(fragment.directives, variables) !== null) continue;
    selections.push({ ...fragment, directives: withoutDefer(fragment.directives), selectionSet: stripDeferred(fragment.selectionSet, doc, variables) });
  }
  return { ...set, selections };
}

/** Only the fragment labelled `label` and the fields leading to it; `path` gets their response names. */
function pruneTo(set: SelectionSetNode, label: string, doc: Doc, variables: Record<string, unknown>, path: string[]): SelectionSetNode | null {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.selectionSet) continue;
      path.push(selection.alias?.value ?? selection.name.value);
      const inner = pruneTo(selection.selectionSet, label, doc, variables, path);
      if (inner) return { ...set, selections: [{ ...selection, selectionSet: inner }] };
      path.pop();
      continue;
    }
    const fragment = inline(selection, doc)!;
    if (activeDefer(fragment.directives, variables) === label) {
      return { ...set, selections: [{ ...fragment, directives: withoutDefer(fragment.directives), selectionSet: stripDeferred(fragment.selectionSet, doc, variables) }] };
    }
    const inner = pruneTo(fragment.selectionSet, label, doc, variables, path);
    if (inner) return { ...set, selections: [{ ...fragment, directives: withoutDefer(fragment.directives), selectionSet: inner }] };
  }
  return null;
}

function operationWith(schema: Schema, doc: Doc, selectionSet: SelectionSetNode, operationName: string | undefined): Operation {
  const definition: OperationDefinitionNode = { ...doc.definition, selectionSet };
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [definition, ...doc.fragments.values()] };
  return operationFromDocument(schema, document, { operationName, validate: false });
}

/** The operation the primary payload is shaped by. */
export function primaryOperation(schema: Schema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>): Operation {
  const doc = docOf(document, operationName);
  return operationWith(schema, doc, stripDeferred(doc.definition.selectionSet, doc, variables), operationName);
}

/** The operation one deferred part is shaped by, and the response names from the root to its fragment. */
export function partOperation(schema: Schema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>, label: string): { operation: Operation; path: string[] } | null {
  const doc = docOf(document, operationName);
  const path: string[] = [];
  const selectionSet = pruneTo(doc.definition.selectionSet, label, doc, variables, path);
  return selectionSet ? { operation: operationWith(schema, doc, selectionSet, operationName), path } : null;
}

/** The objects at `path` in shaped data, each with its concrete path (list indexes included). */
export function objectsAt(data: unknown, path: readonly string[]): { data: Record<string, unknown> | null; path: (string | number)[] }[] {
  const out: { data: Record<string, unknown> | null; path: (string | number)[] }[] = [];
  const walk = (value: unknown, at: number, concrete: (string | number)[]) => {
    if (Array.isArray(value)) {
      value.forEach((element, index) => walk(element, at, [...concrete, index]));
      return;
    }
    if (value === null || value === undefined) {
      // A null on the way ends the part there: the fragment's object is not in the answer.
      if (at === path.length) out.push({ data: null, path: concrete });
      return;
    }
    if (at === path.length) {
      out.push({ data: value as Record<string, unknown>, path: concrete });
      return;
    }
    walk((value as Record<string, unknown>)[path[at]], at + 1, [...concrete, path[at]]);
  };
  walk(data, 0, []);
  return out;
}
