import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { EXAMPLES, type Example, LIVE_EXAMPLES } from "../demo/examples";
import { progress } from "./cli";
import { ROOT } from "./manifest";

/**
 * The bundler step of `npm run build`: GraphiQL, Monaco's workers, styles and
 * fonts into static files under dist/graphiql/, which the gateway serves, so
 * the page needs nothing from the internet. The worked examples go beside
 * them as data (examples.json).
 */
const SOURCE = join(ROOT, "gateway", "http", "graphiql-app");
export const GRAPHIQL_DIR = join(ROOT, "dist", "graphiql");

/** Headers of a new tab: the channel, and where a token will go once authentication lands. */
export function headersText(channel: string): string {
  // JSONC: GraphiQL accepts comments, so the placeholder is never sent.
  return `{\n  // "Authorization": "Bearer <token: see README>",\n  "x-channel": "${channel}"\n}`;
}

export function examplesFile(examples: readonly Example[]): string {
  return `${JSON.stringify(
    {
      headers: headersText("WEB"),
      examples: examples.map((e) => ({ title: e.title, query: e.query, variables: JSON.stringify(e.variables ?? {}, null, 2), headers: headersText(e.channel) })),
    },
    null,
    2,
  )}\n`;
}

async function main(): Promise<void> {
  const began = Date.now();
  rmSync(GRAPHIQL_DIR, { recursive: true, force: true });
  mkdirSync(GRAPHIQL_DIR, { recursive: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: {
      app: join(SOURCE, "app.tsx"),
      "editor.worker": require.resolve("monaco-editor/esm/vs/editor/editor.worker.js"),
      "json.worker": require.resolve("monaco-editor/esm/vs/language/json/json.worker.js"),
      "graphql.worker": require.resolve("monaco-graphql/esm/graphql.worker.js"),
    },
    outdir: GRAPHIQL_DIR,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: true,
    jsx: "automatic",
    loader: { ".ttf": "file", ".woff": "file", ".woff2": "file", ".svg": "file", ".png": "file" },
    assetNames: "[name]-[hash]",
    define: { "process.env.NODE_ENV": '"production"' },
    legalComments: "linked",
    logLevel: "warning",
  });
  copyFileSync(join(SOURCE, "index.html"), join(GRAPHIQL_DIR, "index.html"));
  writeFileSync(join(GRAPHIQL_DIR, "examples.json"), examplesFile([...EXAMPLES, ...LIVE_EXAMPLES]));
  // Progress, on stderr: the build runs before commands whose stdout is their result.
  progress(`GraphiQL bundled into dist/graphiql in ${((Date.now() - began) / 1000).toFixed(1)} s`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`GraphiQL bundle failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
