import { composeServices } from "@apollo/composition";
import { IntrospectAndCompose, RemoteGraphQLDataSource, type SupergraphSdlHook } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { DELIVERED, FederationGateway } from "./federation-gateway";
import { PLANNERS } from "./planning/planner";

/*
 * The gateway object as a team moving from @apollo/gateway would start it:
 * the same `supergraphSdl` forms (a text, a hook with updates,
 * IntrospectAndCompose) and a `buildService` returning their own
 * RemoteGraphQLDataSource subclass, under Apollo Server, under each planner.
 */

const users = {
  typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
    type Query { user(id: ID!): User }
    type User @key(fields: "id") { id: ID! name: String! }`),
  resolvers: {
    Query: { user: (_: unknown, { id }: { id: string }) => ({ id, name: `user ${id}` }) },
    User: { __resolveReference: ({ id }: { id: string }) => ({ id, name: `user ${id}` }) },
  },
};
const seen: string[] = [];
const reviews = {
  typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
    type User @key(fields: "id") { id: ID! reviewCount: Int! }`),
  resolvers: { User: { __resolveReference: ({ id }: { id: string }, context: { via?: string }) => (seen.push(context.via ?? ""), { id, reviewCount: Number(id) * 2 }) } },
};

type Served = { url: string; stop: () => Promise<void> };
async function serve(module: typeof users | typeof reviews): Promise<Served> {
  const server = new ApolloServer({ schema: buildSubgraphSchema(module as never) });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" }, context: async ({ req }) => ({ via: req.headers["x-via"] as string | undefined }) });
  return { url, stop: () => server.stop() };
}

/** A team's own data source: it adds a header to every subgraph request. */
class TeamDataSource extends RemoteGraphQLDataSource {
  override willSendRequest({ request }: Parameters<NonNullable<RemoteGraphQLDataSource["willSendRequest"]>>[0]): void {
    request.http?.headers.set("x-via", "team-data-source");
  }
}

describe.each(PLANNERS)("FederationGateway from an @apollo/gateway configuration (%s planner)", (planner) => {
  let subgraphs: Served[];
  let supergraphSdl: string;
  beforeAll(async () => {
    subgraphs = [await serve(users), await serve(reviews)];
    const composed = composeServices([
      { name: "users", url: subgraphs[0].url, typeDefs: users.typeDefs },
      { name: "reviews", url: subgraphs[1].url, typeDefs: reviews.typeDefs },
    ]);
    if (!composed.supergraphSdl) throw new Error(String(composed.errors));
    supergraphSdl = composed.supergraphSdl;
  });
  afterAll(async () => {
    for (const s of subgraphs) await s.stop();
  });

  const ask = async (gateway: FederationGateway, query: string) => {
    const server = new ApolloServer({ gateway });
    await server.start();
    try {
      const response = await server.executeOperation({ query });
      return response.body.kind === "single" ? response.body.singleResult : null;
    } finally {
      await server.stop();
    }
  };
  const QUERY = `{ user(id: "21") { name reviewCount } }`;
  const ANSWER = { data: { user: { name: "user 21", reviewCount: 42 } } };

  it("serves a supergraph text, through the team's RemoteGraphQLDataSource subclass", async () => {
    seen.length = 0;
    const gateway = new FederationGateway({ supergraphSdl, planner, buildService: ({ url }) => new TeamDataSource({ url }) });
    expect(await ask(gateway, QUERY)).toEqual(ANSWER);
    expect(seen).toEqual(["team-data-source"]);
  });

  it("composes from the running subgraphs with IntrospectAndCompose", async () => {
    const supergraph = new IntrospectAndCompose({
      subgraphs: [
        { name: "users", url: subgraphs[0].url },
        { name: "reviews", url: subgraphs[1].url },
      ],
    });
    expect(await ask(new FederationGateway({ supergraphSdl: supergraph, planner }), QUERY)).toEqual(ANSWER);
  });

  it("hands a result that ends before running to `deliver` as well, and resolves to DELIVERED", async () => {
    const gateway = new FederationGateway({ supergraphSdl, planner });
    const delivered: unknown[] = [];
    // Not loaded yet: the refusal is known before anything runs.
    const returned = await gateway.execute({} as never, true, (result) => delivered.push(result));
    expect(returned).toBe(DELIVERED);
    expect(delivered).toEqual([{ errors: [expect.objectContaining({ message: "the gateway has no supergraph yet" })] }]);
    expect(await gateway.execute({} as never)).toEqual(delivered[0]);
  });

  it("takes updates from a supergraph hook, and refuses an invalid one while serving the old", async () => {
    let update: ((sdl: string) => void) | undefined;
    const hook: SupergraphSdlHook = async (options) => ((update = options.update), { supergraphSdl });
    const gateway = new FederationGateway({ supergraphSdl: hook, planner });
    const schemas: string[] = [];
    gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => schemas.push(coreSupergraphSdl));
    await gateway.load();
    expect(() => update!("type Query { broken: Int }")).toThrow();
    expect(gateway.supergraphSdl).toBe(supergraphSdl);
    const renamed = supergraphSdl.replace("reviewCount: Int!", 'reviewCount: Int! @deprecated(reason: "test")');
    update!(renamed);
    expect(schemas).toEqual([supergraphSdl, renamed]);
    await gateway.stop();
  });
});
