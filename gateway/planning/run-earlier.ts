import { type FragmentDefinitionNode, Kind, type SelectionSetNode } from "graphql";
import { type BatchFetchStep, type FetchStep, type PathStep, type Plan, type PlanNode, type RequiredSelection, fragmentsOf } from "./plan";

/**
 * Moves each entity fetch of a Sequence into the earliest step after the
 * last one it reads from, so that it runs beside the fetches it does not
 * need instead of after them.
 *
 * A planner orders a plan by the shape of the operation, and a fetch can
 * end up a round later than its inputs allow: on a page of customers,
 * promotions' prices of the ordered products waited for promotions' offers
 * of the customers, which they do not read. Run a round earlier, the two
 * promotions fetches go out in the same tick and the executor sends them
 * as one request (subgraph-calls/calls.ts), and the answer comes a round
 * sooner.
 *
 * What a fetch reads: the objects at its path and, on them, the fields it
 * requires. What a step writes: every field its fetches select, at their
 * paths. A fetch waits for a step when the step writes a field on the way
 * to, or at, anything it reads (list markers and type conditions ignored,
 * which can only make two paths look alike, never apart). A step holding
 * a mutation, a condition, a deferred part or a subscription is waited for
 * whole: a read after a write must see it. Only query fetches move, and
 * only within their Sequence.
 */
export function runEarlier(plan: Plan): Plan {
  if (!plan.node) return plan;
  const node = rearranged(plan.node, []);
  return node === plan.node ? plan : { ...plan, node };
}

/** A step's writes: field paths (dot-joined response names from the root), or everything. */
type Writes = Set<string> | "everything";

function rearranged(node: PlanNode, base: readonly PathStep[]): PlanNode {
  switch (node.kind) {
    case "Parallel": {
      const nodes = node.nodes.map((child) => rearranged(child, base));
      return nodes.every((child, i) => child === node.nodes[i]) ? node : { ...node, nodes };
    }
    case "Flatten": {
      const inner = rearranged(node.node, base.concat(node.path));
      return inner === node.node ? node : { ...node, node: inner };
    }
    case "Sequence": {
      const nodes = node.nodes.map((child) => rearranged(child, base));
      return sequenceRearranged(nodes, base) ?? (nodes.every((child, i) => child === node.nodes[i]) ? node : { ...node, nodes });
    }
    default:
      return node;
  }
}

/**
 * The Sequence's steps with each movable fetch in its earliest step;
 * undefined when nothing moves. A fetch goes no earlier than the step after
 * the last one it reads from, and not before a step that reads what it
 * writes (that step ran before it, and must not see its answer now).
 */
function sequenceRearranged(original: readonly PlanNode[], base: readonly PathStep[]): PlanNode | undefined {
  const steps: PlanNode[][] = original.map((step) => (step.kind === "Parallel" ? [...step.nodes] : [step]));
  let moved = false;
  for (let k = 1; k < steps.length; k += 1) {
    for (const item of [...steps[k]]) {
      const reads = readsOf(item, base);
      if (!reads) continue;
      const writes = writesOf([item], base);
      let to = k;
      for (let m = k - 1; m >= 0; m -= 1) {
        if (waitsFor(reads, writesOf(steps[m], base))) break;
        if (steps[m].some((other) => readsClash(other, base, writes))) break;
        to = m;
      }
      if (to === k) continue;
      steps[k].splice(steps[k].indexOf(item), 1);
      steps[to].push(item);
      moved = true;
    }
  }
  if (!moved) return undefined;
  const nodes = steps.filter((step) => step.length > 0).map((step): PlanNode => (step.length === 1 ? step[0] : { kind: "Parallel", nodes: step }));
  return nodes.length === 1 ? nodes[0] : { kind: "Sequence", nodes };
}

/** Whether `other` (a step's node) reads what `writes` holds, or cannot say what it reads. */
function readsClash(other: PlanNode, base: readonly PathStep[], writes: Writes): boolean {
  if (other.kind === "Fetch" && !other.requires && other.operationKind === "query") return false;
  const reads = readsOf(other, base);
  return !reads || waitsFor(reads, writes);
}

/** What a movable fetch reads (paths, dot-joined); undefined for anything that does not move. */
function readsOf(item: PlanNode, base: readonly PathStep[]): string[] | undefined {
  if (item.kind === "Flatten") return readsOf(item.node, base.concat(item.path));
  if (item.kind === "Fetch") {
    if (item.operationKind !== "query" || !item.requires) return undefined;
    return requiredPaths(key(base), item.requires);
  }
  if (item.kind === "BatchFetch") {
    if (item.operationKind !== "query") return undefined;
    return item.batches.flatMap((batch) => batch.paths.flatMap((path) => requiredPaths(key(path), batch.requires)));
  }
  return undefined;
}

function requiredPaths(at: string, requires: readonly RequiredSelection[]): string[] {
  const out = [at];
  const visit = (prefix: string, selections: readonly RequiredSelection[]) => {
    for (const selection of selections) {
      if (selection.kind === "InlineFragment") {
        visit(prefix, selection.selections);
        continue;
      }
      const path = join(prefix, selection.readFrom ?? selection.name);
      out.push(path);
      if (selection.selections) visit(path, selection.selections);
    }
  };
  visit(at, requires);
  return out;
}

/** Whether one of the reads is written by the step, or lies below a field it writes. */
function waitsFor(reads: readonly string[], writes: Writes): boolean {
  if (writes === "everything") return true;
  for (const read of reads) {
    if (writes.has(read)) return true;
    for (let cut = read.lastIndexOf("."); cut > 0; cut = read.lastIndexOf(".", cut - 1)) if (writes.has(read.slice(0, cut))) return true;
  }
  return false;
}

function writesOf(step: readonly PlanNode[], base: readonly PathStep[]): Writes {
  const writes = new Set<string>();
  const visit = (node: PlanNode, at: readonly PathStep[]): boolean => {
    switch (node.kind) {
      case "Sequence":
      case "Parallel":
        return node.nodes.every((child) => visit(child, at));
      case "Flatten":
        return visit(node.node, at.concat(node.path));
      case "Fetch":
      case "BatchFetch":
        if (node.operationKind !== "query") return false;
        fetchWrites(node, at, writes);
        return true;
      default:
        return false;
    }
  };
  return step.every((node) => visit(node, base)) ? writes : "everything";
}

function fetchWrites(fetch: FetchStep | BatchFetchStep, at: readonly PathStep[], writes: Set<string>): void {
  const fragments = fragmentsOf(fetch.document);
  for (const definition of fetch.document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD || selection.name.value !== "_entities") {
        // A root fetch writes its fields at its path.
        collect(key(at), { kind: Kind.SELECTION_SET, selections: [selection] }, fragments, writes);
        continue;
      }
      const alias = selection.alias?.value ?? "_entities";
      const paths = fetch.kind === "BatchFetch" ? (fetch.batches.find((b) => b.alias === alias)?.paths ?? []) : [at];
      if (selection.selectionSet) for (const path of paths) collect(key(path), selection.selectionSet, fragments, writes);
    }
  }
}

function collect(prefix: string, set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, writes: Set<string>, depth = 0): void {
  if (depth > 64) return;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const path = join(prefix, selection.alias?.value ?? selection.name.value);
      writes.add(path);
      if (selection.selectionSet) collect(path, selection.selectionSet, fragments, writes, depth + 1);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(prefix, selection.selectionSet, fragments, writes, depth + 1);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment) collect(prefix, fragment.selectionSet, fragments, writes, depth + 1);
    }
  }
}

/** A path as the comparison reads it: response names only, dot-joined. */
function key(path: readonly PathStep[]): string {
  return path.filter((step): step is string => typeof step === "string" && step !== "@").join(".");
}

function join(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}
