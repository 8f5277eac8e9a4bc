/**
 * Monaco's web workers come from this gateway, not a CDN: the build bundles
 * each one next to the page (graphiql/<label>.worker.js). Imported before
 * GraphiQL so Monaco finds the environment when it first needs a worker.
 */
const WORKERS: Record<string, string> = { json: "json", graphql: "graphql" };

(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return new Worker(new URL(`graphiql/${WORKERS[label] ?? "editor"}.worker.js`, document.baseURI));
  },
};
