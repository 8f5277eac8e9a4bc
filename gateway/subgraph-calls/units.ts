import type { GraphQLDataSource, ServiceEndpointDefinition } from "@apollo/gateway";
import type { Logger } from "../../kit/log";
import { type BreakerState, CircuitBreaker } from "./breaker";
import type { SharingOptions } from "./calls";
import { type CallSettings, unitDataSource, wrapDataSource } from "./chain";
import type { GatewayConfig } from "../config";
import type { GatewayContext } from "../context";
import type { Transport } from "./transport";

/**
 * What the gateway keeps per subgraph across supergraph reloads: its URL
 * override, its timeout and its circuit breaker. A reload that changes a
 * subgraph's URL builds a new data source; the breaker and the override
 * stay with the subgraph's name.
 */
export class Units {
  private readonly breakers = new Map<string, CircuitBreaker>();
  /** Each unit's URL as its data source calls it, to name the unit of a request the transport reports. */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly config: GatewayConfig,
    readonly transport: Transport,
    private readonly logger: Logger,
    /** Fetch sharing; tests turn parts of it off to compare (test/support), operators do not. */
    private readonly sharing: Omit<SharingOptions, "concurrency"> = { batch: true, dedupe: true },
  ) {}

  /** `buildService` as @apollo/gateway's configuration names it: the gateway's own data source for a unit. */
  readonly buildService = ({ name, url }: ServiceEndpointDefinition): GraphQLDataSource<GatewayContext> => {
    const called = this.urlOf(name, url);
    this.names.set(called, name);
    return unitDataSource(name, called, this.settingsOf(name), this.transport, this.config.GRAPH_SIGNING_SECRET);
  };

  /** The unit the gateway calls at `url`, once its data source is built. */
  unitAt(url: string): string | undefined {
    return this.names.get(url);
  }

  /** A data source of the user's (their own `buildService`'s), inside the same chain of timeouts, retries, breaker and measurement. */
  wrap(name: string, source: GraphQLDataSource<GatewayContext>): GraphQLDataSource<GatewayContext> {
    return wrapDataSource(source, name, this.settingsOf(name));
  }

  /** The URL the gateway calls: SUBGRAPH_<NAME>_URL if set, else the supergraph's. */
  urlOf(name: string, supergraphUrl = ""): string {
    return this.config.subgraphUrls.get(name) ?? supergraphUrl;
  }

  breakerState(name: string): BreakerState {
    return this.breakers.get(name)?.state ?? "closed";
  }

  /** Every breaker made so far, by unit (operations/metrics.ts reads their states at each scrape). */
  breakerStates(): Map<string, BreakerState> {
    return new Map([...this.breakers].map(([name, breaker]) => [name, breaker.state]));
  }

  settingsOf(name: string): CallSettings {
    return {
      timeoutMs: this.config.subgraphTimeouts.get(name) ?? this.config.GATEWAY_SUBGRAPH_TIMEOUT_MS,
      retries: this.config.GATEWAY_SUBGRAPH_RETRIES,
      retryBaseMs: this.config.GATEWAY_RETRY_BASE_MS,
      breaker: this.breakerOf(name),
      sharing: { ...this.sharing, concurrency: this.config.GATEWAY_BATCH_CONCURRENCY },
      headerRules: this.config.GATEWAY_HEADER_RULES,
    };
  }

  private breakerOf(unit: string): CircuitBreaker {
    let breaker = this.breakers.get(unit);
    if (!breaker) {
      breaker = new CircuitBreaker({
        failures: this.config.GATEWAY_BREAKER_FAILURES,
        cooldownMs: this.config.GATEWAY_BREAKER_COOLDOWN_MS,
        onChange: (to, from) => {
          const fields = { unit, breaker: to, from };
          if (to === "open") this.logger.warn({ ...fields, cooldownMs: this.config.GATEWAY_BREAKER_COOLDOWN_MS }, "circuit breaker open: calls to the unit fail fast");
          else this.logger.info(fields, to === "closed" ? "circuit breaker closed: the unit answers again" : "circuit breaker half-open: probing the unit");
        },
      });
      this.breakers.set(unit, breaker);
    }
    return breaker;
  }
}
