import { ApolloServer } from "@apollo/server";
import { loadGatewayConfig } from "../config";
import { clientErrorStatus, operationLimits } from "./protection";

/**
 * The operation limits through a real Apollo Server, as the gateway installs
 * them: each refusal a 400 saying in plain words which limit was hit, with a
 * code of its own. Also pins GraphQL Armor's wording of what it counted.
 */
describe("operation limits", () => {
  const typeDefs = `type Query { node(first: Int): Node, n: Int }  type Node { child(first: Int): Node, id: ID }`;
  const resolvers = { Query: { n: () => 1 } };
  let server: ApolloServer;

  beforeAll(async () => {
    const limits = operationLimits(loadGatewayConfig({ GATEWAY_MAX_DEPTH: "6", GATEWAY_MAX_ALIASES: "2", GATEWAY_MAX_DIRECTIVES: "2" }));
    server = new ApolloServer({ typeDefs, resolvers, validationRules: limits.validationRules, plugins: [clientErrorStatus(), ...limits.plugins] });
    await server.start();
  });
  afterAll(() => server.stop());

  const refusal = async (query: string) => {
    const { http, body } = await server.executeOperation({ query });
    const errors = body.kind === "single" ? body.singleResult.errors : undefined;
    return { status: http.status, errors: errors?.map((e) => ({ code: e.extensions?.code, message: e.message })) };
  };

  it.each([
    // Armor counts the leaf field as a level too.
    ["depth", `{ node { child { child { child { child { child { id } } } } } } }`, "MAX_DEPTH_EXCEEDED", "the operation is nested too deeply: 7 levels where this gateway allows at most 6"],
    ["aliases", `{ a: n b: n c: n }`, "MAX_ALIASES_EXCEEDED", "the operation uses too many aliases: 3 where this gateway allows at most 2"],
    ["directives", `{ n @skip(if: false) node @include(if: true) { id @skip(if: false) } }`, "MAX_DIRECTIVES_EXCEEDED", "the operation uses too many directives: 3 where this gateway allows at most 2"],
  ])("refuses too much %s with its own code and words", async (_limit, query, code, message) => {
    expect(await refusal(query)).toEqual({ status: 400, errors: [{ code, message }] });
  });

  it("lets an operation within every limit run", async () => {
    const { body } = await server.executeOperation({ query: `{ n }` });
    expect(body.kind === "single" && body.singleResult).toEqual({ data: { n: 1 } });
  });
});
