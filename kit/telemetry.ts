import { type Attributes, type Span, SpanStatusCode, type Tracer, context, propagation, trace } from "@opentelemetry/api";
import type { BasicTracerProvider, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { GraphQLResolveInfo } from "graphql";

/**
 * OpenTelemetry tracing, off unless configured. When on, one provider per
 * process records spans through @opentelemetry/api, so @apollo/gateway's own
 * spans (validate, plan, fetch) join ours; W3C `traceparent` carries the
 * trace from the gateway to each subgraph. When off, nothing is registered
 * and the few spans we would start are skipped outright.
 *
 * The SDK, its exporter and what they bring (protobuf definitions, semantic
 * conventions: 4.6 MB of heap in a fresh node, held for the life of the
 * process and marked by every full collection) are loaded only when tracing
 * is turned on; @opentelemetry/api alone serves the process while it is off.
 */
let provider: BasicTracerProvider | null = null;

export function tracingEnabled(): boolean {
  return provider !== null;
}

export interface TracingSettings {
  /** OTLP/HTTP collector base URL; empty leaves tracing off. */
  endpoint: string;
  /** Share of new traces recorded; a subgraph follows the gateway's decision. */
  samplePercent: number;
}

let exporting: (() => Promise<void>) | null = null;

/**
 * Starts exporting this process's spans when an endpoint is set (once; later
 * calls return the same). Returns the flush to run at shutdown, or null when
 * tracing stays off or a test brought its own provider.
 */
export function startTracing(service: string, settings: TracingSettings): (() => Promise<void>) | null {
  if (!settings.endpoint) return null;
  if (!provider) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { OTLPTraceExporter } = require("@opentelemetry/exporter-trace-otlp-http") as typeof import("@opentelemetry/exporter-trace-otlp-http");
    const { BatchSpanProcessor } = sdk();
    const exporter = new OTLPTraceExporter({ url: `${settings.endpoint.replace(/\/+$/, "")}/v1/traces` });
    const registered = registerTracing(new BatchSpanProcessor(exporter), service, settings.samplePercent / 100);
    exporting = () => registered.shutdown();
  }
  return exporting;
}

/** The tracing SDK, read from node_modules the first time tracing is turned on (see above). */
function sdk(): typeof import("@opentelemetry/sdk-trace-base") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("@opentelemetry/sdk-trace-base") as typeof import("@opentelemetry/sdk-trace-base");
}

/** Registers the process-wide provider: an exporter's processor, or a test's in-memory one. */
export function registerTracing(processor: SpanProcessor, service: string, sampleRatio = 1): BasicTracerProvider {
  const { BasicTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler } = sdk();
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Resource } = require("@opentelemetry/resources") as typeof import("@opentelemetry/resources");
  const { AsyncLocalStorageContextManager } = require("@opentelemetry/context-async-hooks") as typeof import("@opentelemetry/context-async-hooks");
  const { W3CTraceContextPropagator } = require("@opentelemetry/core") as typeof import("@opentelemetry/core");
  /* eslint-enable @typescript-eslint/no-require-imports */
  provider = new BasicTracerProvider({
    resource: new Resource({ "service.name": service }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(sampleRatio) }),
    spanProcessors: [processor],
  });
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable(), propagator: new W3CTraceContextPropagator() });
  return provider;
}

/** Undoes registerTracing (tests). */
export async function stopTracing(): Promise<void> {
  const stopping = provider;
  provider = null;
  exporting = null;
  trace.disable();
  context.disable();
  propagation.disable();
  await stopping?.shutdown();
}

export function tracer(scope: string): Tracer {
  return trace.getTracer(`customer-graph/${scope}`);
}

/** Adds the active trace context (`traceparent`) to outgoing headers. */
export function injectTraceContext(headers: { set(name: string, value: string): void }): void {
  if (!provider) return;
  propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
}

/** Sets attributes on the active span, if tracing is on. */
export function annotateActiveSpan(attributes: Attributes): void {
  if (!provider) return;
  trace.getActiveSpan()?.setAttributes(attributes);
}

/**
 * Ends a span when `run`'s result settles. Errors mark the span with their
 * GraphQL code only: messages may quote ids or, from a driver, SQL values.
 */
export function endWhenSettled<T>(span: Span, run: () => T): T {
  let result: T;
  try {
    result = run();
  } catch (err) {
    fail(span, err);
    span.end();
    throw err;
  }
  if (result && typeof (result as { then?: unknown }).then === "function") {
    (result as unknown as PromiseLike<unknown>).then(
      () => span.end(),
      (err: unknown) => {
        fail(span, err);
        span.end();
      },
    );
  } else {
    span.end();
  }
  return result;
}

export function fail(span: Span, err: unknown): void {
  const e = err as { extensions?: { code?: unknown }; code?: unknown; name?: string };
  span.setStatus({ code: SpanStatusCode.ERROR, message: String(e?.extensions?.code ?? e?.code ?? e?.name ?? "error") });
}

const resolvers = tracer("resolvers");

/**
 * A resolver that runs inside its own span, so the loaders and SQL it sets
 * off are its children. Only resolvers that do work are wrapped (queries,
 * mutations, field resolvers, entity references), not every plain field,
 * and only when tracing is on as the schema is built (federation.ts).
 * `infoAt`: where the resolver takes its GraphQLResolveInfo (3 for a field
 * resolver, 2 for `__resolveReference`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function tracedResolver<F extends (...args: any[]) => unknown>(coordinate: string, resolve: F, infoAt = 3): F {
  const name = `resolve ${coordinate}`;
  return function (this: unknown) {
    // `arguments` rather than a rest parameter: no array per call while tracing is off.
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as Parameters<F>;
    if (!provider) return resolve.apply(this, args);
    const info = args[infoAt] as GraphQLResolveInfo | undefined;
    const attributes: Attributes = { "graphql.field.coordinate": coordinate, ...(info?.path ? { "graphql.field.path": pathOf(info) } : {}) };
    return resolvers.startActiveSpan(name, { attributes }, (span) => endWhenSettled(span, () => resolve.apply(this, args)));
  } as F;
}

function pathOf(info: GraphQLResolveInfo): string {
  const keys: (string | number)[] = [];
  for (let p: GraphQLResolveInfo["path"] | undefined = info.path; p; p = p.prev) keys.push(p.key);
  return keys.reverse().join(".");
}
