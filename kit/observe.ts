import type { IncomingMessage, ServerResponse } from "node:http";
import { ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, context, propagation, trace } from "@opentelemetry/api";
import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from "@apollo/server";
import type { Logger } from "./log";
import { type ProcessMetrics, type RequestOutcome, createProcessMetrics } from "./metrics";
import { type TracingSettings, fail, startTracing, tracer, tracingEnabled } from "./telemetry";

/**
 * One GraphQL request as operators see it: its metrics, its log line and
 * its server span. The HTTP front (http.ts) makes a record for each request
 * and ties it to the objects that stand for the request further in: its
 * response and its Apollo context (a data source finds it from the context
 * it is handed). It rides on them under a symbol, which survives the shallow
 * copy Apollo makes of the context for each operation. No AsyncLocalStorage
 * here: on Node 20 it taxes every promise of the process, and the gateway,
 * where most requests fan out, needs none.
 */
export interface Timing {
  count: number;
  ms: number;
}

export interface RequestRecord {
  readonly requestId: string;
  readonly started: number;
  readonly metrics: ProcessMetrics;
  /** The operation Apollo resolved; null while unknown or when it has no name. */
  operation: string | null;
  /** Distinct `extensions.code`s of the errors in the response. */
  errorCodes: string[] | undefined;
  /** The response carried data (errors beside it make it partial). */
  answered: boolean;
  /** What the request waited on: subgraph fetches by unit (gateway), `sql` (subgraph). */
  timings: Record<string, Timing> | undefined;
  span: Span | undefined;
}

const RECORD = Symbol("customer-graph.request");
type Carrier = { [RECORD]?: RequestRecord };

/** The record of the request a response or an Apollo context belongs to. */
export function requestOf(carrier: object | undefined): RequestRecord | undefined {
  return (carrier as Carrier | undefined)?.[RECORD];
}

/** Ties a request's Apollo context to its record (the HTTP front does, as it builds the context). */
export function linkContext<C extends object>(res: ServerResponse, contextValue: C): C {
  const record = (res as Carrier)[RECORD];
  if (record) (contextValue as Carrier)[RECORD] = record;
  return contextValue;
}

export function addTiming(record: RequestRecord, key: string, ms: number): void {
  const timings = (record.timings ??= {});
  const t = timings[key];
  if (t) {
    t.count += 1;
    t.ms += ms;
  } else timings[key] = { count: 1, ms };
}

/** Notes an error code a request answers with (refusals sent outside Apollo, too). */
export function noteErrorCode(record: RequestRecord | undefined, code: string): void {
  if (!record) return;
  const codes = (record.errorCodes ??= []);
  if (!codes.includes(code) && codes.length < 10) codes.push(code);
}

export interface HttpObserver {
  /** Runs `handle` as one observed GraphQL request. */
  observe(req: IncomingMessage, res: ServerResponse, requestId: string, handle: () => Promise<void>): Promise<void>;
}

export interface ObserverOptions {
  /** Process name: "gateway" or the unit's. */
  name: string;
  metrics: ProcessMetrics;
  logger: Logger & { isLevelEnabled?(level: string): boolean };
  /**
   * Continue a caller's trace from its `traceparent`. Subgraphs do (their
   * caller is the gateway); the gateway, facing the internet, starts its own,
   * so no client decides what this process records.
   */
  continueTrace: boolean;
}

export function httpObserver(options: ObserverOptions): HttpObserver {
  const { metrics, logger } = options;
  const spans = tracer(options.name);
  const logRequests = options.logger.isLevelEnabled?.("info") ?? true;

  const finish = (record: RequestRecord, res: ServerResponse) => {
    const ms = performance.now() - record.started;
    const outcome = outcomeOf(record, res);
    metrics.requests.observe({ operation: metrics.operations.label(record.operation), outcome }, ms / 1000);
    const span = record.span;
    if (span) {
      span.setAttribute("http.response.status_code", res.statusCode);
      if (outcome === "error") span.setStatus({ code: SpanStatusCode.ERROR, message: record.errorCodes?.join(",") });
      span.end();
    }
    if (!logRequests) return;
    const timings = record.timings && Object.fromEntries(Object.entries(record.timings).map(([k, t]) => [k, { count: t.count, ms: round(t.ms) }]));
    logger.info(
      {
        requestId: record.requestId,
        operation: record.operation ?? "anonymous",
        status: res.statusCode,
        outcome,
        ms: round(ms),
        ...(timings ? { timings } : {}),
        ...(record.errorCodes ? { errors: record.errorCodes } : {}),
        ...(span ? { traceId: span.spanContext().traceId } : {}),
      },
      "request",
    );
  };

  return {
    observe(req, res, requestId, handle) {
      const record: RequestRecord = { requestId, started: performance.now(), metrics, operation: null, errorCodes: undefined, answered: false, timings: undefined, span: undefined };
      (res as Carrier)[RECORD] = record;
      res.once("close", () => finish(record, res));
      if (!tracingEnabled()) return handle();
      const parent = options.continueTrace ? propagation.extract(ROOT_CONTEXT, req.headers) : ROOT_CONTEXT;
      const path = req.url?.split("?")[0] ?? "/";
      record.span = spans.startSpan(`${req.method} ${path}`, { kind: SpanKind.SERVER, attributes: { "http.request.method": req.method, "url.path": path, "customer_graph.process": options.name } }, parent);
      return context.with(trace.setSpan(parent, record.span), handle);
    },
  };
}

function outcomeOf(record: RequestRecord, res: ServerResponse): RequestOutcome {
  if (!res.writableFinished) return "aborted";
  if (res.statusCode >= 500) return "error";
  if (res.statusCode >= 400) return "rejected";
  if (record.errorCodes?.length) return record.answered ? "partial" : "error";
  return "ok";
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/**
 * Tells the request's record what Apollo decided: the operation and the
 * error codes; with tracing on, spans for parsing and validation too. One
 * listener object serves every request (it keeps nothing of its own), and
 * without tracing it has a single hook.
 */
export function observePlugin(name: string): ApolloServerPlugin<BaseContext> {
  const willSendResponse: GraphQLRequestListener<BaseContext>["willSendResponse"] = async ({ contextValue, operationName, operation, response }) => {
    const record = requestOf(contextValue);
    if (record) noteAnswer(record, operationName ?? null, operation?.operation, response.body.kind === "single" ? response.body.singleResult : undefined);
  };
  const stage = (stageName: string) => {
    const end = traceStage(name, stageName);
    return async (err?: unknown) => end(err);
  };
  const plain: GraphQLRequestListener<BaseContext> = { willSendResponse };
  const traced: GraphQLRequestListener<BaseContext> = {
    willSendResponse,
    parsingDidStart: async () => stage("graphql.parse"),
    validationDidStart: async () => {
      const end = stage("graphql.validate");
      return (errors?: readonly Error[]) => end(errors?.[0]);
    },
  };
  return {
    async requestDidStart() {
      return tracingEnabled() ? traced : plain;
    },
  };
}

/**
 * Tells a request's record the operation and what the response holds, as
 * observePlugin does when Apollo answers (a unit's lean path answers without
 * Apollo and says the same). `result` is absent for an incremental answer.
 */
export function noteAnswer(record: RequestRecord, operationName: string | null, operationType: string | undefined, result: { data?: unknown; errors?: readonly { extensions?: Record<string, unknown> }[] } | undefined): void {
  record.operation = operationName;
  if (result) {
    record.answered = result.data !== undefined && result.data !== null;
    for (const e of result.errors ?? []) noteErrorCode(record, String(e.extensions?.code ?? "INTERNAL_SERVER_ERROR"));
  }
  record.span?.setAttributes({ "graphql.operation.type": operationType, ...(operationName ? { "graphql.operation.name": operationName } : {}) });
}

/**
 * A span for one stage of a request (`graphql.parse`), from now or from
 * `startTime` (epoch ms); the returned function ends it, now or at `endTime`,
 * failed when given an error.
 */
export function traceStage(processName: string, stageName: string, startTime?: number): (err?: unknown, endTime?: number) => void {
  const span = tracer(processName).startSpan(stageName, startTime === undefined ? undefined : { startTime });
  return (err, endTime) => {
    if (err) fail(span, err);
    span.end(endTime);
  };
}

export interface ProcessTelemetry {
  metrics: ProcessMetrics;
  observer: HttpObserver;
  /** The observe plugin, and the flush of buffered spans when Apollo stops. */
  plugins: ApolloServerPlugin<BaseContext>[];
}

/** What the gateway and every unit set up alike: a metrics registry, the request observer, tracing if configured. */
export function processTelemetry(options: Omit<ObserverOptions, "metrics"> & { tracing?: TracingSettings }): ProcessTelemetry {
  const metrics = createProcessMetrics();
  const flush = options.tracing ? startTracing(options.name, options.tracing) : null;
  const plugins: ApolloServerPlugin<BaseContext>[] = [observePlugin(options.name)];
  if (flush) plugins.push({ serverWillStart: async () => ({ serverWillStop: flush }) });
  return { metrics, observer: httpObserver({ ...options, metrics }), plugins };
}
