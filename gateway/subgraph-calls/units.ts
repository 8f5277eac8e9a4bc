import type { ServiceEndpointDefinition } from "@apollo/gateway";
import type { Logger } from "../../kit/log";
import { type BreakerState, CircuitBreaker } from "./breaker";
import type { GatewayConfig } from "../config";
import type { UnitDataSource } from "./datasource";
import { ObservedDataSource } from "../operations/telemetry";
import type { Transport } from "./transport";

/**
 * What the gateway keeps per subgraph across supergraph reloads: its URL
 * override, its timeout and its circuit breaker. ApolloGateway builds a new
 * data source when a reload changes a subgraph's URL; the breaker and the
 * override stay with the subgraph's name.
 */
export class Units {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly config: GatewayConfig,
    readonly transport: Transport,
    private readonly logger: Logger,
  ) {}

  /** ApolloGateway's `buildService`. */
  readonly buildService = ({ name, url }: ServiceEndpointDefinition): UnitDataSource =>
    new ObservedDataSource(
      name,
      this.urlOf(name, url),
      {
        timeoutMs: this.config.subgraphTimeouts.get(name) ?? this.config.GATEWAY_SUBGRAPH_TIMEOUT_MS,
        retries: this.config.GATEWAY_SUBGRAPH_RETRIES,
        retryBaseMs: this.config.GATEWAY_RETRY_BASE_MS,
      },
      this.breakerOf(name),
      this.transport,
      this.config.GRAPH_SIGNING_SECRET,
      { batch: this.config.GATEWAY_BATCH_FETCHES, dedupe: this.config.GATEWAY_DEDUPLICATE_FETCHES, concurrency: this.config.GATEWAY_BATCH_CONCURRENCY },
    );

  /** The URL the gateway calls: SUBGRAPH_<NAME>_URL if set, else the supergraph's. */
  urlOf(name: string, supergraphUrl = ""): string {
    return this.config.subgraphUrls.get(name) ?? supergraphUrl;
  }

  breakerState(name: string): BreakerState {
    return this.breakers.get(name)?.state ?? "closed";
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
