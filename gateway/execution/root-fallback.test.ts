import { composeServices } from "@apollo/composition";
import { Supergraph, operationFromDocument } from "@apollo/federation-internals";
import type { GraphQLDataSource } from "@apollo/gateway";
import type { GatewayGraphQLRequestContext } from "@apollo/server-gateway-interface";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { type GraphQLFormattedError, execute, parse } from "graphql";
import type { PlanNode } from "../planning/plan";
import { createPlanner } from "../planning/planner";
import { entityKeysOf, fieldUnitsOf } from "../planning/supergraph";
import { connectionFailed } from "../subgraph-calls/failures";
import type { ExplainLog } from "./explain";
import { newRun, runPlan } from "./execute-plan";
import { shapeResponse } from "./respond";

/*
 * A query's root fetch fails and another unit answers the root field too
 * (`me`, @shareable in two units): the executor asks the first other one
 * in the supergraph's order for the key and goes on with the plan, under
 * each planner. The units run in this process (their schemas executed
 * directly), each fetch recorded; a unit marked down fails every fetch as
 * an unreachable unit does.
 */

const FED = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])`;
const renamed: string[] = [];
const UNITS = {
  accounts: {
    typeDefs: `${FED}
      type Query { me: User @shareable  user(id: ID!): User }
      type Mutation { rename(name: String!): User @shareable }
      type User @key(fields: "id") { id: ID! name: String }`,
    resolvers: {
      Query: { me: () => ({ id: "u1" }), user: (_: unknown, { id }: { id: string }) => ({ id }) },
      Mutation: { rename: (_: unknown, { name }: { name: string }) => (renamed.push(`accounts ${name}`), { id: "u1" }) },
      User: { name: ({ id }: { id: string }) => `name of ${id}`, __resolveReference: (ref: { id: string }) => ref },
    },
  },
  products: {
    typeDefs: `${FED}
      type Product @key(fields: "upc") { upc: ID! title: String }`,
    resolvers: { Product: { title: ({ upc }: { upc: string }) => `title of ${upc}`, __resolveReference: (ref: { upc: string }) => ref } },
  },
  profiles: {
    typeDefs: `${FED}
      type Query { me: User @shareable }
      type Mutation { rename(name: String!): User @shareable }
      type User @key(fields: "id") { id: ID! nickname: String }`,
    resolvers: {
      Query: { me: () => ({ id: "u1" }) },
      Mutation: { rename: (_: unknown, { name }: { name: string }) => (renamed.push(`profiles ${name}`), { id: "u1" }) },
      User: { nickname: ({ id }: { id: string }) => `nick of ${id}`, __resolveReference: (ref: { id: string }) => ref },
    },
  },
  reviews: {
    typeDefs: `${FED}
      type User @key(fields: "id") { id: ID! reviews: [Review!] }
      type Review { body: String product: Product }
      type Product @key(fields: "upc", resolvable: false) { upc: ID! }`,
    resolvers: {
      User: { reviews: ({ id }: { id: string }) => [{ body: `review by ${id}`, product: { upc: "p1" } }], __resolveReference: (ref: { id: string }) => ref },
    },
  },
};
type Unit = keyof typeof UNITS;

const composed = composeServices(Object.entries(UNITS).map(([name, unit]) => ({ name, url: `http://${name}.invalid/graphql`, typeDefs: parse(unit.typeDefs) })));
if (!composed.supergraphSdl) throw new Error(`composition failed: ${composed.errors?.map((e) => e.message).join("; ")}`);
const SDL = composed.supergraphSdl;
const supergraph = Supergraph.build(SDL);
const schemas = new Map(Object.entries(UNITS).map(([name, unit]) => [name, buildSubgraphSchema({ typeDefs: parse(unit.typeDefs), resolvers: unit.resolvers as never })]));

interface Sent {
  unit: string;
  query: string;
}

/**
 * Runs one operation as the gateway does, with `down` units failing and `refusing` ones answering
 * every root field null with an error; the answer, the fetches sent, and explain's fallbacks.
 */
async function run(planner: "hive" | "apollo", query: string, down: Unit[] = [], { refusing = [] as Unit[], deadline = Infinity } = {}) {
  const sent: Sent[] = [];
  const services: Record<string, GraphQLDataSource> = {};
  for (const [name, schema] of schemas) {
    services[name] = {
      process: async ({ request }) => {
        sent.push({ unit: name, query: request.query! });
        if (down.includes(name as Unit)) throw connectionFailed(name);
        if (refusing.includes(name as Unit)) return { data: { me: null }, errors: [{ message: "not you", path: ["me"], extensions: { code: "FORBIDDEN" } }] };
        const result = await execute({ schema, document: parse(request.query!), variableValues: request.variables, operationName: request.operationName });
        return { data: result.data, errors: result.errors?.map((e) => e.toJSON() as GraphQLFormattedError) };
      },
    };
  }
  const document = parse(query);
  const operation = operationFromDocument(supergraph.apiSchema(), document, { validate: false });
  const plan = createPlanner(planner, supergraph, SDL).plan({ document, source: query, operationName: undefined, operation });
  const explain: ExplainLog = { fetches: [], fallbacks: [] };
  const requestContext = { request: { query, variables: {} }, context: { explain, deadline }, operation: { variableDefinitions: [] } } as unknown as GatewayGraphQLRequestContext;
  const state = newRun({ plan, services, requestContext, supergraphSchema: supergraph.schema.toGraphQLJSSchema(), keys: entityKeysOf(SDL), fieldUnits: fieldUnitsOf(SDL), operation });
  await runPlan(state);
  const answer = shapeResponse(state);
  return { answer: JSON.parse(JSON.stringify(answer)) as { data?: unknown; errors?: { message: string; extensions?: { unit?: string } }[] }, sent, plan: plan.node, fallbacks: explain.fallbacks };
}

/** The unit of the plan's first fetch (the root fetch). */
function rootUnit(node: PlanNode | null): string | undefined {
  if (!node) return undefined;
  if (node.kind === "Fetch") return node.unit;
  if (node.kind === "Sequence" || node.kind === "Parallel") return rootUnit(node.nodes[0]);
  return undefined;
}

function planFetches(node: PlanNode | null | undefined): number {
  if (!node) return 0;
  if (node.kind === "Fetch") return 1;
  if (node.kind === "Sequence" || node.kind === "Parallel") return node.nodes.reduce((n, child) => n + planFetches(child), 0);
  if (node.kind === "Flatten") return planFetches(node.node);
  throw new Error(`unexpected ${node.kind} in this test's plans`);
}

const units = (errors: { extensions?: { unit?: string } }[] | undefined) => (errors ?? []).map((e) => e.extensions?.unit);

describe.each(["hive", "apollo"] as const)("a failed root fetch of a root field other units answer (%s planner)", (planner) => {
  const ME = `{ me { id name reviews { body product { upc title } } } }`;
  const FULL = { me: { id: "u1", name: "name of u1", reviews: [{ body: "review by u1", product: { upc: "p1", title: "title of p1" } }] } };

  it("plans the root fetch to accounts, and sends no other fetch when it succeeds", async () => {
    const { answer, sent, plan } = await run(planner, ME);
    expect(rootUnit(plan)).toBe("accounts");
    expect(answer).toEqual({ data: FULL });
    expect(sent.map((s) => s.unit)).toEqual(["accounts", "reviews", "products"]);
  });

  it("asks profiles (the first other unit answering `me`) for the key and goes on with the plan, nested entities included", async () => {
    const { answer, sent, fallbacks } = await run(planner, ME, ["accounts"]);
    expect(answer.data).toEqual({ me: { ...FULL.me, name: null } });
    expect(units(answer.errors)).toEqual(["accounts"]);
    expect(sent.map((s) => s.unit)).toEqual(["accounts", "profiles", "reviews", "products"]);
    // Same field, only the key (profiles resolves `id`, not `name`).
    expect(sent[1].query.replace(/\s+/g, " ")).toMatch(/^query \w+__fallback__profiles \{ me \{ __typename id \} \}$/);
    expect(fallbacks).toEqual([{ failed: "accounts", askedInstead: "profiles", fields: ["me"], operationName: expect.stringMatching(/__fallback__profiles$/), answered: true }]);
  });

  it("keeps what another unit's own root fetch brought, as for the graph's `me { id name stayCount }` (parallel root fetches)", async () => {
    const query = `{ me { id name nickname } }`;
    const { plan } = await run(planner, query);
    const { answer, sent } = await run(planner, query, ["accounts"]);
    expect(answer.data).toEqual({ me: { id: "u1", name: null, nickname: "nick of u1" } });
    expect(units(answer.errors)).toEqual(["accounts"]);
    // Whatever the plan's shape (parallel root fetches, or root then entity fetch): one fetch more, to profiles.
    expect(sent.length).toBe(planFetches(plan) + 1);
    expect(sent.filter((s) => s.unit === "profiles").length).toBe(2);
  });

  it("leaves `me` null with both errors when the unit asked instead fails too, and asks no third", async () => {
    const { answer, sent, fallbacks } = await run(planner, ME, ["accounts", "profiles"]);
    expect(answer.data).toEqual({ me: null });
    expect(units(answer.errors)).toEqual(["accounts", "profiles"]);
    expect(sent.map((s) => s.unit)).toEqual(["accounts", "profiles"]);
    expect(fallbacks).toEqual([expect.objectContaining({ failed: "accounts", askedInstead: "profiles", answered: false })]);
  });

  it("asks no other unit when the unit answered, even with null and an error", async () => {
    const { answer, sent } = await run(planner, ME, [], { refusing: ["accounts"] });
    expect(answer.data).toEqual({ me: null });
    expect(sent.map((s) => s.unit)).toEqual(["accounts"]);
  });

  it("asks no other unit once the request's deadline has passed (it would fail at once and be blamed)", async () => {
    const { answer, sent } = await run(planner, ME, ["accounts"], { deadline: Date.now() - 1 });
    expect(answer.data).toEqual({ me: null });
    expect(units(answer.errors)).toEqual(["accounts"]);
    expect(sent.map((s) => s.unit)).toEqual(["accounts"]);
  });

  it("changes nothing for a root field only the failed unit answers", async () => {
    const { answer, sent, fallbacks } = await run(planner, `{ user(id: "u2") { id name reviews { body } } }`, ["accounts"]);
    expect(answer.data).toEqual({ user: null });
    expect(units(answer.errors)).toEqual(["accounts"]);
    expect(sent.map((s) => s.unit)).toEqual(["accounts"]);
    expect(fallbacks).toEqual([]);
  });

  it("asks nothing again when the failed fetch asked for no field the other unit resolves", async () => {
    const { answer, sent } = await run(planner, `{ me { name } }`, ["accounts"]);
    expect(answer.data).toEqual({ me: null });
    expect(sent.map((s) => s.unit)).toEqual(["accounts"]);
  });

  it("never sends a mutation to another unit, though it resolves the field too", async () => {
    renamed.length = 0;
    const { answer, sent } = await run(planner, `mutation { rename(name: "x") { id name } }`, ["accounts"]);
    expect(answer.data).toEqual({ rename: null });
    expect(units(answer.errors)).toEqual(["accounts"]);
    expect(sent.map((s) => s.unit)).toEqual(["accounts"]);
    expect(renamed).toEqual([]);
  });
});
