import { readFileSync } from "node:fs";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

/**
 * Stock `@apollo/gateway` + `@apollo/server` standalone, with defaults, for
 * `npm run bench`. The one addition: `x-channel` and `authorization` go on
 * to the subgraphs, as every real deployment of it configures (writes need
 * the channel; a unit checks a write with the caller's credential).
 * Arguments: <supergraph file> <port>.
 */
const FORWARDED = ["x-channel", "authorization"];

/** Arguments from the command line, or from BENCH_ARGS when the bench's supervisor starts it. */
function benchArgs(): string[] {
  return process.argv.length > 2 ? process.argv.slice(2) : (process.env.BENCH_ARGS ?? "").split(" ").filter(Boolean);
}

async function main(): Promise<void> {
  const [supergraphPath, port] = benchArgs();
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(supergraphPath, "utf8"),
    buildService: ({ url }) =>
      new (class extends RemoteGraphQLDataSource<{ headers: Record<string, string | undefined> }> {
        override willSendRequest({ request, context }: { request: { http?: { headers: { set(k: string, v: string): void } } }; context: { headers?: Record<string, string | undefined> } }): void {
          for (const name of FORWARDED) {
            const value = context.headers?.[name];
            if (value) request.http?.headers.set(name, value);
          }
        }
      })({ url }),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(port), host: "127.0.0.1" },
    context: async ({ req }) => ({ headers: { "x-channel": req.headers["x-channel"] as string | undefined, authorization: req.headers.authorization } }),
  });
  console.log(`stock apollo gateway at ${url}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
