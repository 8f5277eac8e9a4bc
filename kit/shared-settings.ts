import { ConfigError, type Setting, httpUrl, integer, oneOf, text } from "./config";
import { DEV_SIGNING_SECRET } from "./identity";

/** Settings the gateway and every unit share under the same names. */
export const sharedSettings = {
  NODE_ENV: oneOf("development, test or production; production refuses development secrets.", ["development", "test", "production"] as const, "development"),
  GRAPH_SIGNING_SECRET: text("Secret the gateway signs subgraph requests with and subgraphs verify (same value everywhere).", DEV_SIGNING_SECRET),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl("OpenTelemetry collector (OTLP over HTTP) that receives traces at <url>/v1/traces; empty leaves tracing off."),
  TRACING_SAMPLE_PERCENT: integer("Percent of new traces recorded when tracing is on; subgraphs follow the gateway's decision.", 100, 0, 100),
};

function optionalUrl(doc: string): Setting<string> {
  return { doc, default: "", parse: (raw) => (raw === "" ? "" : httpUrl(doc).parse(raw)) };
}

/** Refuses to run production on a secret that is in the source code. */
export function checkProductionSecrets(config: { NODE_ENV: string; GRAPH_SIGNING_SECRET: string }, extra: Record<string, string | undefined> = {}): void {
  if (config.NODE_ENV !== "production") return;
  const problems: string[] = [];
  if (config.GRAPH_SIGNING_SECRET === DEV_SIGNING_SECRET) problems.push("GRAPH_SIGNING_SECRET is the development default; set a secret of your own");
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) problems.push(`${key}: ${value}`);
  if (problems.length > 0) throw new ConfigError(problems);
}
