import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type CompositeType, type Field, type Operation, type SelectionSet, Supergraph, type Type, buildSchema, isCompositeType, isEnumType, isListType, isNonNullType, operationFromDocument, possibleRuntimeTypes } from "@apollo/federation-internals";
import { parse } from "graphql";
import { apolloComputeResponse as apolloShaping } from "../../test/support/apollo-reference";
import { computeResponse } from "./shaping";

const apolloComputeResponse = apolloShaping as unknown as typeof computeResponse;

/**
 * The gateway's result shaping against Apollo's, on the same operations and
 * the same subgraph data: well-formed data, and data with the faults a
 * broken unit could send (nulls where non-null is promised, missing fields,
 * values of the wrong type, unknown __typename, a scalar where an object
 * belongs). Answers, errors (message and path) and thrown errors must be
 * identical, byte for byte as JSON.
 */

const SDL = `
  type Query { node(id: ID!): Node nodes: [Node!]! search: [Result] me: User! users: [User!] count: Int version: String! }
  interface Node { id: ID! }
  type User implements Node { id: ID! name: String! age: Int score: Float admin: Boolean! role: Role! friends: [User!]! tags: [String!] best: User posts: [Post] meta: Json keys: [String!] }
  type Post implements Node { id: ID! title: String! author: User! likes: Int! }
  union Result = User | Post
  enum Role { ADMIN AGENT CUSTOMER }
  scalar Json
`;

const OPERATIONS: { name: string; query: string; variables: Record<string, unknown>[] }[] = [
  {
    name: "abstract types, fragments, aliases, conditions on variables",
    query: `query Q($s: Boolean!, $i: Boolean = true) {
      me { id n: name name age @skip(if: $s) role friends { id ...F } best { ...F best { id } } posts { title likes } }
      a: me { __typename t: __typename id }
      nodes { __typename id ... on User { name friends { name } } ... on Post { title author { name admin } } }
      search { ... on User { id admin } ... on Post { likes } ...R }
      users @include(if: $i) { keys id tags meta ... on User @skip(if: $s) { score } }
      count version
    }
    fragment F on User { name score tags }
    fragment R on Result { __typename }`,
    variables: [{ s: true }, { s: false }, { s: false, i: false }, { s: true, i: true }],
  },
  {
    name: "one response name selected twice with different selections",
    query: `{ me { best { id } best { name friends { id } } friends { id } friends { name best { id } } } nodes { id } nodes { ... on User { name } } }`,
    variables: [{}],
  },
  {
    name: "literal conditions",
    query: `{ me { id @skip(if: true) name @include(if: false) age @include(if: true) role @skip(if: false) } }`,
    variables: [{}],
  },
  {
    name: "an alias a plain object would misread",
    query: `{ me { __proto__: name id constructor: age toString: role } }`,
    variables: [{}],
  },
  {
    name: "introspection beside data",
    query: `{ __typename version __schema { queryType { name } } __type(name: "User") { name } me { __typename id } }`,
    variables: [{}],
  },
];

const BENCH = ["customer-360.graphql", "customers-list.graphql", "trivial.graphql"];

describe("lean result shaping", () => {
  const schema = buildSchema(SDL);
  for (const { name, query, variables } of OPERATIONS) {
    it(`answers as Apollo does: ${name}`, () => {
      const operation = operationFromDocument(schema, parse(query));
      for (const vars of variables) compareOn(operation, vars, 400);
    });
  }

  it("answers as Apollo does on the bench's operations over the supergraph", () => {
    const api = Supergraph.build(readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8")).apiSchema();
    for (const file of BENCH) {
      const operation = operationFromDocument(api, parse(readFileSync(join(__dirname, "..", "..", "bench", "operations", file), "utf8")));
      compareOn(operation, { id: "C000042", text: "mar", first: 3 }, 150);
    }
  });

  it("really is exercised by faults: some answers carry errors, some bubble nulls to the root, some throw", () => {
    const operation = operationFromDocument(schema, parse(OPERATIONS[0].query));
    const outcomes = Array.from({ length: 300 }, (_, n) => outcome(computeResponse, operation, { s: false }, randomInput(operation, seeded(n + 1), (n % 4) * 0.03)));
    expect(outcomes.filter((o) => o.includes('"errors":[{')).length).toBeGreaterThan(30);
    expect(outcomes.filter((o) => o.includes('"data":null')).length).toBeGreaterThan(5);
    expect(outcomes.filter((o) => o.startsWith('{"threw"')).length).toBeGreaterThan(5);
    expect(outcomes.filter((o) => o.includes('"errors":[]')).length).toBeGreaterThan(10);
  });

  it("gives no answer for no input, as Apollo does", () => {
    const operation = operationFromDocument(schema, parse("{ version }"));
    for (const input of [null, undefined]) {
      const ours = computeResponse({ operation, variables: {}, input, introspectionHandling: () => null });
      expect(ours).toEqual(apolloComputeResponse({ operation, variables: {}, input, introspectionHandling: () => null }));
      expect(ours).toEqual({ data: input, errors: [] });
    }
  });
});

/** Both implementations on `trials` inputs: well-formed for the first, then with more and more faults. */
function compareOn(operation: Operation, variables: Record<string, unknown>, trials: number): void {
  for (let n = 0; n < trials; n += 1) {
    const input = randomInput(operation, seeded(n * 7919 + 17), n === 0 ? 0 : (n % 10) / 80);
    const ours = outcome(computeResponse, operation, variables, structuredClone(input));
    const apollos = outcome(apolloComputeResponse, operation, variables, structuredClone(input));
    if (ours !== apollos) throw new Error(`trial ${n} differs\ninput: ${JSON.stringify(input)}\nours:   ${ours}\napollo: ${apollos}`);
  }
}

function outcome(shape: typeof computeResponse, operation: Operation, variables: Record<string, unknown>, input: Record<string, unknown>): string {
  try {
    const { data, errors } = shape({ operation, variables, input, introspectionHandling: (selection) => ({ introspected: (selection.element as Field).definition.name }) });
    return JSON.stringify({ data, errors: errors.map((e) => ({ message: e.message, path: e.path, code: e.extensions.code })) });
  } catch (err) {
    return JSON.stringify({ threw: (err as Error).message });
  }
}

type Random = () => number;
function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What subgraphs could have returned for the operation, with faults at the given rate. */
function randomInput(operation: Operation, random: Random, faults: number): Record<string, unknown> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const objectOf = (selectionSet: SelectionSet, type: CompositeType, out: Record<string, unknown> = {}): Record<string, unknown> => {
    for (const selection of selectionSet.selections()) {
      if (selection.kind === "FragmentSelection") {
        objectOf(selection.selectionSet, type, out);
        continue;
      }
      const field = selection.element as Field;
      if (field.definition.isSchemaIntrospectionField()) continue;
      if (random() < faults / 2) continue; // missing
      // As JSON.parse would: an own property even for "__proto__".
      Object.defineProperty(out, field.responseName(), {
        enumerable: true,
        writable: true,
        configurable: true,
        value: field.name === "__typename" ? (random() < faults ? pick(["Nope", null]) : type.name) : valueOf(field.definition.type!, selection.selectionSet),
      });
    }
    return out;
  };
  const valueOf = (type: Type, selectionSet: SelectionSet | undefined): unknown => {
    if (random() < faults) return pick([null, "oops", 42, 4.5, true, [], {}]);
    if (isNonNullType(type)) return valueOf(type.ofType, selectionSet);
    if (isListType(type)) return Array.from({ length: Math.floor(random() * 4) }, () => valueOf(type.ofType, selectionSet));
    if (isCompositeType(type)) {
      const runtime = pick(possibleRuntimeTypes(type));
      return { __typename: random() < faults ? "Nope" : runtime.name, ...objectOf(selectionSet!, runtime) };
    }
    if (isEnumType(type)) return pick(type.values).name;
    switch (type.name) {
      case "Int":
        return Math.floor(random() * 1000);
      case "Float":
        return random() * 100;
      case "Boolean":
        return random() < 0.5;
      default:
        return `s${Math.floor(random() * 100)}`;
    }
  };
  const root = operation.schema().schemaDefinition.rootType(operation.rootKind)!;
  return objectOf(operation.selectionSet, root);
}
