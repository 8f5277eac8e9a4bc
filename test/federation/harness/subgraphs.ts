import { once } from "node:events";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { composeServices } from "@apollo/composition";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { type GraphQLSchema, graphql, parse } from "graphql";
import type { SubgraphFixture } from "./fixture";

/*
 * A group's subgraphs served over real HTTP on free loopback ports, and the
 * supergraph composed from them with Apollo's composition, as a deploy
 * pipeline would. Each subgraph is a bare graphql-js executor behind
 * node:http: nothing between the gateway's request and the resolvers but
 * JSON, so what the gateway sent is what ran.
 */

export interface RunningSubgraphs {
  supergraphSdl: string;
  urls: Map<string, string>;
  stop(): Promise<void>;
}

export async function startSubgraphs(fixtures: SubgraphFixture[]): Promise<RunningSubgraphs> {
  const servers: Server[] = [];
  const urls = new Map<string, string>();
  try {
    for (const fixture of fixtures) {
      const schema = buildSubgraphSchema({ typeDefs: parse(fixture.typeDefs), resolvers: fixture.resolvers as never });
      const server = createServer((req, res) => void answer(schema, req, res));
      servers.push(server);
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      urls.set(fixture.name, `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
    }
    const supergraphSdl = compose(fixtures, urls);
    return { supergraphSdl, urls, stop: () => closeAll(servers) };
  } catch (err) {
    await closeAll(servers);
    throw err;
  }
}

/** The supergraph of the fixtures at these URLs; composition errors fail loudly, naming each. */
function compose(fixtures: SubgraphFixture[], urls: Map<string, string>): string {
  const result = composeServices(fixtures.map((f) => ({ name: f.name, typeDefs: parse(f.typeDefs), url: urls.get(f.name) ?? `http://${f.name}.invalid/graphql` })));
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join("\n")}`);
  return result.supergraphSdl;
}

async function answer(schema: GraphQLSchema, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let status = 200;
  let result: unknown;
  try {
    const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    result = await graphql({ schema, source: query, variableValues: variables, operationName });
  } catch (err) {
    status = 400;
    result = { errors: [{ message: `bad request: ${(err as Error).message}` }] };
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(result));
}

async function closeAll(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.map((server) => {
      if (!server.listening) return undefined;
      const closed = once(server, "close");
      server.close();
      // The gateway keeps connections alive; they would hold close() open.
      server.closeAllConnections();
      return closed;
    }),
  );
}
