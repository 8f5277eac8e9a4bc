import type { ExecutionResult, FormattedExecutionResult, GraphQLFormattedError } from "graphql";
import { GraphQLError } from "graphql";
import type { Logger } from "../../kit/log";
import type { GatewayContext } from "../context";
import type { PreparedSubscription } from "../federation-gateway";
import { Feed } from "./feed";
import type { Upstream, UpstreamRequest, UpstreamSink } from "./upstream";

/**
 * Subscribers, multiplexed onto shared upstream streams. One upstream
 * stream per distinct (unit, subscription fetch, its variables, caller
 * identity, supergraph): a thousand screens of one agent following one
 * customer cost the unit one stream. Each event is answered once per
 * distinct client operation on that stream (the rest of the plan: entity
 * fetches to the other units, read live for that event), and the answer
 * is handed to every subscriber of it.
 *
 * Limits: subscriptions per caller and per process (refused at subscribe
 * time), answers buffered per subscriber (a subscriber that does not read
 * is dropped), events waiting per stream (a stream whose answers cannot keep
 * up is ended rather than queue without bound). A token's expiry ends its
 * subscriber; a reload or shutdown ends them all, each with a reason.
 */
export interface HubLimits {
  perCaller: number;
  perProcess: number;
  /** Answers one subscriber may have unread. */
  buffer: number;
}

export interface Subscriber {
  prepared: PreparedSubscription;
  /** The client's request, for grouping subscribers whose answers are the same. */
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  context: GatewayContext;
  /** Who, for the per-caller limit (token subject, or address). */
  caller: string;
  /** When the caller's token expires (epoch ms); the subscription ends then. */
  expiresAt: number | null;
}

interface Group {
  subscriber: Subscriber;
  feeds: Set<Feed>;
}

interface Stream {
  close: Upstream;
  groups: Map<string, Group>;
  /** Events read from the unit and not yet delivered: they are delivered in order. */
  backlog: number;
  tail: Promise<void>;
}

export type OpenUpstream = (request: Omit<UpstreamRequest, "secret" | "keepAliveMs" | "propagated">, sink: UpstreamSink) => Upstream;

export class SubscriptionHub {
  private readonly streams = new Map<string, Stream>();
  private readonly perCaller = new Map<string, number>();
  private count = 0;

  constructor(
    private readonly limits: HubLimits,
    private readonly open: OpenUpstream,
    private readonly urlOf: (unit: string) => string | undefined,
    private readonly format: (result: ExecutionResult) => FormattedExecutionResult,
    /** A fresh context for answering one event (new deadline, provenance). */
    private readonly eventContext: (subscriber: GatewayContext) => GatewayContext,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.count;
  }

  get upstreams(): number {
    return this.streams.size;
  }

  subscribe(subscriber: Subscriber): Feed {
    if (this.count >= this.limits.perProcess) throw refusal(`this gateway serves its limit of ${this.limits.perProcess} subscriptions; retry later or on another replica`, "SUBSCRIPTION_LIMIT");
    const mine = this.perCaller.get(subscriber.caller) ?? 0;
    if (mine >= this.limits.perCaller) throw refusal(`this caller already has ${this.limits.perCaller} open subscriptions, the most allowed`, "SUBSCRIPTION_LIMIT");
    const { prepared, context } = subscriber;
    const primary = prepared.primary;
    const url = this.urlOf(primary.unit);
    if (!url) throw refusal(`the ${primary.unit} unit has no URL`, "UNAVAILABLE");
    const upstreamVariables: Record<string, unknown> = {};
    for (const name of primary.variableUsages) if (subscriber.variables[name] !== undefined) upstreamVariables[name] = subscriber.variables[name];
    const identity = context.identity;
    // Client headers the header rules read may change what a unit streams and answers: shared only among equal ones.
    const clientHeaders = context.clientHeaders ?? {};
    const streamKey = JSON.stringify([prepared.supergraphId, primary.unit, primary.operation, upstreamVariables, identity?.role ?? null, identity?.subject ?? null, clientHeaders]);
    const groupKey = JSON.stringify([subscriber.query, subscriber.operationName ?? null, subscriber.variables, context.forward["x-channel"] ?? null, clientHeaders]);

    let stream = this.streams.get(streamKey);
    if (!stream) {
      const created: Stream = { close: () => undefined, groups: new Map(), backlog: 0, tail: Promise.resolve() };
      this.streams.set(streamKey, created);
      created.close = this.open(
        { unit: primary.unit, url, query: primary.operation, variables: upstreamVariables, operationName: primary.operationName, identity, forward: context.forward, clientHeaders },
        {
          next: (event) => this.onEvent(streamKey, created, event),
          error: (errors) => this.endStream(streamKey, created, errors),
          complete: () => this.endStream(streamKey, created, null),
        },
      );
      stream = created;
    }
    let group = stream.groups.get(groupKey);
    if (!group) {
      group = { subscriber, feeds: new Set() };
      stream.groups.set(groupKey, group);
    }
    const joined = group;
    const joinedStream = stream;
    let timer: NodeJS.Timeout | undefined;
    const feed: Feed = new Feed(this.limits.buffer, () => {
      clearTimeout(timer);
      this.count -= 1;
      const left = (this.perCaller.get(subscriber.caller) ?? 1) - 1;
      if (left > 0) this.perCaller.set(subscriber.caller, left);
      else this.perCaller.delete(subscriber.caller);
      joined.feeds.delete(feed);
      if (joined.feeds.size === 0) joinedStream.groups.delete(groupKey);
      // The last subscriber gone: the unit's stream is closed too.
      if (joinedStream.groups.size === 0 && this.streams.get(streamKey) === joinedStream) {
        this.streams.delete(streamKey);
        joinedStream.close();
      }
    });
    this.count += 1;
    this.perCaller.set(subscriber.caller, mine + 1);
    group.feeds.add(feed);
    if (subscriber.expiresAt !== null) {
      const left = subscriber.expiresAt - Date.now();
      const expire = () => feed.end({ message: `the token expired at ${new Date(subscriber.expiresAt!).toISOString()}; subscribe again with a new token`, code: "TOKEN_EXPIRED" });
      // Past what a timer holds (about 24.8 days): the check is made again when that one fires.
      if (left <= 0) expire();
      else timer = setTimeout(expire, Math.min(left, 2 ** 31 - 1)).unref();
    }
    return feed;
  }

  /** Ends every subscription with a reason (supergraph reload, shutdown). */
  endAll(reason: { message: string; code: string }): void {
    for (const stream of [...this.streams.values()]) for (const group of [...stream.groups.values()]) for (const feed of [...group.feeds]) feed.end(reason);
  }

  /** Answers events in arrival order; a stream too far behind is ended, never queued without bound. */
  private onEvent(key: string, stream: Stream, event: FormattedExecutionResult): void {
    if (stream.backlog >= this.limits.buffer) {
      this.endStream(key, stream, [{ message: `the gateway fell ${this.limits.buffer} events behind this stream; subscribe again`, extensions: { code: "SUBSCRIBER_TOO_SLOW" } }]);
      return;
    }
    stream.backlog += 1;
    // Answered at once (events in flight together share their fetches), delivered in arrival order.
    const answers = Promise.all([...stream.groups.values()].map(async (group) => ({ group, answer: await this.answer(group, event) })));
    stream.tail = stream.tail.then(async () => {
      try {
        for (const { group, answer } of await answers) for (const feed of group.feeds) feed.push(answer);
      } catch (err) {
        this.logger.error({ err: (err as Error).message }, "a subscription event could not be answered");
      } finally {
        stream.backlog -= 1;
      }
    });
  }

  private async answer(group: Group, event: FormattedExecutionResult): Promise<FormattedExecutionResult> {
    let formatted: FormattedExecutionResult;
    if (!event.data) {
      formatted = { errors: event.errors ?? [{ message: "the unit sent an event without data", extensions: { code: "UNAVAILABLE" } }] };
    } else {
      const { subscriber } = group;
      const result = await subscriber.prepared.answer(event.data as Record<string, unknown>, subscriber.variables, this.eventContext(subscriber.context));
      formatted = this.format(result);
      if (event.errors?.length) formatted = { ...formatted, errors: [...event.errors, ...(formatted.errors ?? [])] };
    }
    return formatted;
  }

  private endStream(key: string, stream: Stream, errors: GraphQLFormattedError[] | null): void {
    if (this.streams.get(key) === stream) this.streams.delete(key);
    stream.close();
    // Answers already under way are delivered first.
    void stream.tail.then(() => {
      for (const group of [...stream.groups.values()]) {
        for (const feed of [...group.feeds]) {
          if (errors) {
            feed.push({ errors });
            feed.end();
          } else {
            feed.end();
          }
        }
      }
    });
  }
}

function refusal(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}
