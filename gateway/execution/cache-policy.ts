import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  Kind,
  getNamedType,
  isCompositeType,
  isLeafType,
  parse,
} from "graphql";

/**
 * Each response's HTTP cache policy, worked out from the fields it actually
 * answered and the units' `@cacheControl` hints in the supergraph (kept there
 * by `@composeDirective`; what each hint means is in the kit's
 * cache-hints.ts). The strictest field wins:
 *
 *   public for N s  <  revalidate (public, max-age 0)  <  private (no-store)
 *
 * A field with no hint takes its type's; a leaf with neither, or a value type
 * declaring `inheritMaxAge`, takes its parent's; an object field with neither
 * is private, so a unit that says nothing is never cached. Fields the answer
 * does not carry (skipped, other branches of a union) do not count.
 */
export type CachePolicy = { kind: "public"; maxAge: number } | { kind: "revalidate" } | { kind: "private" };

type Hint = CachePolicy | "inherit";

export const PRIVATE: CachePolicy = { kind: "private" };
const RANK = { public: 0, revalidate: 1, private: 2 } as const;

/** The stricter of two policies (the shorter max-age between two public ones). */
export function stricter(a: CachePolicy, b: CachePolicy): CachePolicy {
  if (RANK[a.kind] !== RANK[b.kind]) return RANK[a.kind] > RANK[b.kind] ? a : b;
  return a.kind === "public" && b.kind === "public" && b.maxAge < a.maxAge ? b : a;
}

/** The hints of one supergraph, by type and by `Type.field`. */
export interface CacheHints {
  types: Map<string, Hint>;
  fields: Map<string, Hint>;
}

/** Reads every `@cacheControl` of a supergraph's text (types, their extensions, fields). */
export function cacheHintsOf(supergraphSdl: string): CacheHints {
  const hints: CacheHints = { types: new Map(), fields: new Map() };
  for (const definition of parse(supergraphSdl, { noLocation: true }).definitions) {
    if (!("name" in definition) || !definition.name || !("kind" in definition)) continue;
    const typeName = definition.name.value;
    const own = "directives" in definition ? hintOf(definition.directives) : undefined;
    if (own) hints.types.set(typeName, own);
    if (!("fields" in definition) || !definition.fields) continue;
    for (const field of definition.fields) {
      const hint = "directives" in field ? hintOf(field.directives) : undefined;
      if (hint) hints.fields.set(`${typeName}.${field.name.value}`, hint);
    }
  }
  return hints;
}

function hintOf(
  directives:
    | readonly {
        name: { value: string };
        arguments?: readonly { name: { value: string }; value: ValueNode }[];
      }[]
    | undefined,
): Hint | undefined {
  const directive = directives?.find((d) => d.name.value === "cacheControl");
  if (!directive) return undefined;
  const arg = (name: string) => directive.arguments?.find((a) => a.name.value === name)?.value;
  const maxAge = arg("maxAge");
  const scope = arg("scope");
  const inherit = arg("inheritMaxAge");
  if (scope?.kind === Kind.ENUM && scope.value === "PRIVATE") return PRIVATE;
  if (inherit?.kind === Kind.BOOLEAN && inherit.value && !maxAge) return "inherit";
  const seconds = maxAge?.kind === Kind.INT ? Number(maxAge.value) : 0;
  return seconds > 0 ? { kind: "public", maxAge: seconds } : { kind: "revalidate" };
}

/**
 * The policy of one answer: the operation walked over the data it produced.
 * Mutations and anything with no field at all are private. The walk ends at
 * the first private field: an answer about a customer (most of them) is then
 * decided at its root field instead of after every object of a list of fifty
 * (2.6 % of the gateway's CPU under the bench's cases a, c and e before).
 */
export function policyOfAnswer(schema: GraphQLSchema, hints: CacheHints, document: DocumentNode, operation: OperationDefinitionNode, data: unknown): CachePolicy {
  const root = schema.getRootType(operation.operation);
  if (operation.operation !== "query" || !root || data === null || typeof data !== "object") return PRIVATE;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const walk = new Walk(schema, hints, fragments);
  walk.selections(operation.selectionSet, root, data as Record<string, unknown>, PRIVATE, true);
  return walk.policy ?? PRIVATE;
}

/** Each field's hint (null: none), per supergraph's hints; a field object belongs to one type of one schema. */
const fieldHints = new WeakMap<CacheHints, WeakMap<GraphQLField<unknown, unknown>, Hint | null>>();

// The kinds a walk compares with, read once: each `Kind.X` is a getter of graphql's CommonJS index,
// and the walk ran one per selection per object (0.7 % of the gateway's CPU under the bench's crowd, V8 profile, cases b, e, g, h).
const INLINE_FRAGMENT = Kind.INLINE_FRAGMENT;
const FRAGMENT_SPREAD = Kind.FRAGMENT_SPREAD;

class Walk {
  policy: CachePolicy | undefined;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly hints: CacheHints,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
  ) {}

  /** Private is the strictest policy: once a field makes the answer private, nothing further can change it. */
  get settled(): boolean {
    return this.policy?.kind === "private";
  }

  selections(set: SelectionSetNode, parentType: GraphQLNamedType, value: Record<string, unknown>, parent: CachePolicy, root: boolean): void {
    for (const selection of set.selections) {
      if (this.settled) return;
      if (selection.kind === INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parentType;
        if (type) this.selections(selection.selectionSet, type, value, parent, root);
      } else if (selection.kind === FRAGMENT_SPREAD) {
        const fragment = this.fragments.get(selection.name.value);
        const type = fragment && this.schema.getType(fragment.typeCondition.name.value);
        if (fragment && type) this.selections(fragment.selectionSet, type, value, parent, root);
      } else {
        const key = selection.alias?.value ?? selection.name.value;
        if (!(key in value)) continue;
        if (selection.name.value.startsWith("__")) {
          // __typename carries no data of its own; introspection is never cached.
          if (selection.name.value !== "__typename") this.note(PRIVATE);
          continue;
        }
        const field = "getFields" in parentType ? (parentType as GraphQLObjectType).getFields()[selection.name.value] : undefined;
        if (!field) continue; // another branch of an abstract type, answered under a different one
        const type = getNamedType(field.type);
        const hint = this.hintOf(parentType, field, type);
        const policy = hint === "inherit" ? parent : (hint ?? (isLeafType(type) && !root ? parent : PRIVATE));
        this.note(policy);
        if (selection.selectionSet && isCompositeType(type)) this.values(selection.selectionSet, type, value[key], policy);
      }
    }
  }

  private values(set: SelectionSetNode, type: GraphQLNamedType, value: unknown, policy: CachePolicy): void {
    if (Array.isArray(value)) {
      for (const item of value) {
        if (this.settled) return;
        this.values(set, type, item, policy);
      }
    } else if (value !== null && typeof value === "object") {
      // For an abstract type, fields are looked up on the concrete type when the answer names it.
      const typename = (value as { __typename?: unknown }).__typename;
      const concrete = typeof typename === "string" ? (this.schema.getType(typename) ?? type) : type;
      this.selections(set, concrete, value as Record<string, unknown>, policy, false);
    }
  }

  /** A field's own hint, else its type's; looked up once per field of the schema, not once per object of a list. */
  private hintOf(parentType: GraphQLNamedType, field: GraphQLField<unknown, unknown>, type: GraphQLNamedType): Hint | undefined {
    let known = fieldHints.get(this.hints);
    if (!known) fieldHints.set(this.hints, (known = new WeakMap()));
    let hint = known.get(field);
    if (hint === undefined) {
      hint = this.hints.fields.get(`${parentType.name}.${field.name}`) ?? this.hints.types.get(type.name) ?? null;
      known.set(field, hint);
    }
    return hint ?? undefined;
  }

  private note(policy: CachePolicy): void {
    this.policy = this.policy ? stricter(this.policy, policy) : policy;
  }
}
