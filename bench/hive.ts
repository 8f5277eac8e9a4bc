import { readFileSync } from "node:fs";
import { type RequestListener, createServer } from "node:http";
import { contendersInstalled, requireContender } from "./contenders";

/**
 * Hive Gateway for `npm run bench`, programmatic (createGatewayRuntime on
 * node:http), with its defaults except where an argument says:
 *   --dedup=off   the HTTP transport's in-flight dedup off (deduplicateInflightRequests: false)
 *   --rust        the Rust query planner (@graphql-hive/router-runtime's unifiedGraphHandler)
 * Like stock Apollo, `x-channel` and `authorization` go on to the subgraphs.
 * With --rust, a request with `x-bench-query-plan: 1` gets the Rust
 * planner's plan in extensions.queryPlan: the bench asks for it once to
 * prove the planner is really the one in use.
 * Arguments: <supergraph file> <port> [flags].
 *
 * Hive's packages come from bench/contenders (bench/contenders.ts), not from
 * the project's dependencies; the types below are the part of their API
 * this file uses.
 */
interface HiveRuntime {
  createGatewayRuntime(config: Record<string, unknown>): RequestListener;
}
interface HiveRouterRuntime {
  unifiedGraphHandler: unknown;
  useQueryPlan(options: { expose(request: Request): boolean }): unknown;
}

/** Arguments from the command line, or from BENCH_ARGS when the bench's supervisor starts it. */
function benchArgs(): string[] {
  return process.argv.length > 2 ? process.argv.slice(2) : (process.env.BENCH_ARGS ?? "").split(" ").filter(Boolean);
}

async function main(): Promise<void> {
  const [supergraphPath, port, ...flags] = benchArgs();
  const rust = flags.includes("--rust");
  const dedupOff = flags.includes("--dedup=off");
  if (!contendersInstalled()) throw new Error("Hive Gateway is not installed: npm run bench:setup");
  const { createGatewayRuntime } = requireContender<HiveRuntime>("@graphql-hive/gateway-runtime");
  const router = rust ? requireContender<HiveRouterRuntime>("@graphql-hive/router-runtime") : undefined;
  const gateway = createGatewayRuntime({
    supergraph: readFileSync(supergraphPath, "utf8"),
    logging: "warn",
    graphiql: false,
    ...(router ? { unifiedGraphHandler: router.unifiedGraphHandler, plugins: () => [router.useQueryPlan({ expose: (req: Request) => req.headers.get("x-bench-query-plan") === "1" })] } : {}),
    ...(dedupOff ? { transportEntries: { "*.http": { options: { deduplicateInflightRequests: false } } } } : {}),
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }: { request: Request }) => ({ "x-channel": request.headers.get("x-channel"), authorization: request.headers.get("authorization") }),
    },
  });
  const server = createServer(gateway);
  server.keepAliveTimeout = 65_000;
  server.listen(Number(port), "127.0.0.1", () => console.log(`hive gateway${rust ? " (rust planner)" : ""}${dedupOff ? " (dedup off)" : ""} on ${port}`));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
