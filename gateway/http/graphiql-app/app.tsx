import "./workers";
import "graphiql/style.css";
import "./app.css";
import { type GraphiQLPlugin, useGraphiQL, useGraphiQLActions } from "@graphiql/react";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL, type GraphiQLProps } from "graphiql";
import { Kind, type OperationDefinitionNode, parse } from "graphql";
import { createClient } from "graphql-ws";
import { createRoot } from "react-dom/client";
import { explainPlugin, explaining } from "./explain-pane";

/**
 * GraphiQL as the gateway serves it: everything from this origin, nothing
 * from the internet. The worked examples are data the build puts beside the
 * page (graphiql/examples.json); this page knows nothing of what they ask.
 */
interface Example {
  title: string;
  query: string;
  variables: string;
  headers: string;
}

interface Examples {
  /** Request headers of a new, empty tab. */
  headers?: string;
  examples: Example[];
}

const endpoint = new URL("graphql", document.baseURI).toString();

// Queries and mutations over HTTP, `@defer` as multipart parts shown as they arrive, each run explained in the Explain pane.
const overHttp = explaining(createGraphiQLFetcher({ url: endpoint, headers: { accept: "multipart/mixed; deferSpec=20220824, application/graphql-response+json, application/json" } }));

/**
 * Subscriptions over a WebSocket of their own (graphql-transport-ws), the
 * tab's headers (token, channel) in `connection_init`: a browser cannot set
 * headers on a WebSocket. The socket closes when the tab stops listening.
 */
function overWebSocket(params: { query: string; variables?: unknown; operationName?: string | null }, headers: Record<string, string>) {
  const client = createClient({ url: endpoint.replace(/^http/, "ws"), connectionParams: headers, retryAttempts: 0, lazyCloseTimeout: 0 });
  const events = client.iterate({ query: params.query, variables: (params.variables ?? undefined) as Record<string, unknown> | undefined, operationName: params.operationName ?? undefined });
  const close = () => void client.dispose();
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => events.next(),
      return: async () => {
        await events.return?.();
        close();
        return { done: true as const, value: undefined };
      },
    }),
  };
}

/**
 * The operation to run, as the document names it. Right after a tab switch
 * GraphiQL can still hold the previous tab's operation name while the editor
 * already shows the new tab's document; the gateway would then refuse the run
 * ("Unknown operation named"). A document of one operation needs no name, so
 * a name it does not define is replaced by its own.
 */
function operationNameIn(query: string, name: string | null | undefined): string | null | undefined {
  if (!name) return name;
  let operations: OperationDefinitionNode[];
  try {
    operations = parse(query).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  } catch {
    return name; // the gateway says what is wrong with the document
  }
  if (operations.length !== 1 || operations.some((o) => o.name?.value === name)) return name;
  return operations[0].name?.value ?? null;
}

const fetcher: GraphiQLProps["fetcher"] = (asked, options) => {
  const params = { ...asked, operationName: operationNameIn(asked.query, asked.operationName) };
  if (/^\s*subscription\b/m.test(params.query.replace(/#.*$/gm, ""))) return overWebSocket(params, (options?.headers ?? {}) as Record<string, string>) as never;
  return overHttp(params, options);
};

function ExamplesIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M4 5h16M4 12h16M4 19h10" />
    </svg>
  );
}

/** A list of the examples; a click opens one in a new tab. */
function examplesPlugin(examples: readonly Example[]): GraphiQLPlugin {
  function Examples() {
    const { addTab } = useGraphiQLActions();
    const queryEditor = useGraphiQL((s) => s.queryEditor);
    const variableEditor = useGraphiQL((s) => s.variableEditor);
    const headerEditor = useGraphiQL((s) => s.headerEditor);
    const open = (example: Example) => {
      addTab();
      queryEditor?.setValue(example.query);
      variableEditor?.setValue(example.variables);
      headerEditor?.setValue(example.headers);
    };
    return (
      <div className="examples">
        <div className="graphiql-doc-explorer-title">Examples</div>
        <p>Worked operations over the demo data. Each opens in a new tab; press ▶ to run it.</p>
        {examples.map((example) => (
          <button key={example.title} type="button" onClick={() => open(example)}>
            {example.title}
          </button>
        ))}
      </div>
    );
  }
  return { title: "Examples", icon: ExamplesIcon, content: Examples };
}

async function loadExamples(): Promise<Examples> {
  try {
    const res = await fetch(new URL("graphiql/examples.json", document.baseURI));
    if (res.ok) return (await res.json()) as Examples;
  } catch {
    /* no examples: plain GraphiQL */
  }
  return { examples: [] };
}

async function main(): Promise<void> {
  const { headers, examples } = await loadExamples();
  const plugins = [...(examples.length > 0 ? [examplesPlugin(examples)] : []), explainPlugin];
  const [first] = examples;
  createRoot(document.getElementById("root")!).render(
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={examples.map(({ query, variables, headers }) => ({ query, variables, headers }))}
      // GraphiQL fills the first tab's editors from these, not from defaultTabs.
      initialQuery={first?.query}
      initialVariables={first?.variables}
      initialHeaders={first?.headers}
      defaultHeaders={headers}
      defaultEditorToolsVisibility={true}
      plugins={plugins}
      visiblePlugin={plugins[0]}
    />,
  );
}

void main();
