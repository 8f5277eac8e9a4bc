import type { Route } from "../../kit/http";
import { sendJson } from "../../kit/http";
import type { BreakerState } from "../subgraph-calls/breaker";
import { subgraphsOf, supergraphId } from "../planning/supergraph";
import type { Units } from "../subgraph-calls/units";

interface UnitStatus {
  status: "up" | "down";
  breaker: BreakerState;
}

/** /ready reuses a probe this recent, so frequent polling does not become load on the units. */
const PROBE_REUSE_MS = 1000;

/**
 * `GET /ready`: 200 once a supergraph is loaded, 503 before that and while
 * shutting down. Units that are down do not make the gateway unready: it
 * still answers with every other unit's data, and taking it out of rotation
 * would not bring the unit back. Their state is reported for operators:
 * a cheap probe of each unit's `/health` and its circuit breaker.
 */
export class Readiness {
  private served?: { id: string; loadedAt: string; subgraphs: { name: string; url: string }[] };
  private draining = false;
  private lastProbe?: { at: number; result: Promise<boolean[]> };

  constructor(
    private readonly units: Units,
    private readonly probeTimeoutMs: number,
  ) {}

  /** Called whenever ApolloGateway loads or reloads a supergraph. */
  loaded(supergraphSdl: string): void {
    this.served = { id: supergraphId(supergraphSdl), loadedAt: new Date().toISOString(), subgraphs: subgraphsOf(supergraphSdl) };
    this.lastProbe = undefined;
  }

  drain(): void {
    this.draining = true;
  }

  readonly route: Route = async (_req, res) => {
    const served = this.served;
    const status = this.draining ? "draining" : served ? "ready" : "loading";
    const units = served ? await this.probe() : {};
    sendJson(res, status === "ready" ? 200 : 503, { status, supergraph: served ? { id: served.id, loadedAt: served.loadedAt } : null, units }, { "cache-control": "no-store" });
  };

  private async probe(): Promise<Record<string, UnitStatus>> {
    const subgraphs = this.served?.subgraphs ?? [];
    if (!this.lastProbe || Date.now() - this.lastProbe.at >= PROBE_REUSE_MS) {
      const result = Promise.all(subgraphs.map(({ name, url }) => this.isUp(this.units.urlOf(name, url))));
      this.lastProbe = { at: Date.now(), result };
    }
    const up = await this.lastProbe.result;
    // Breaker states are read fresh: they cost nothing and change on every call.
    return Object.fromEntries(subgraphs.map(({ name }, i) => [name, { status: up[i] ? "up" : "down", breaker: this.units.breakerState(name) }]));
  }

  /** A unit serves `GET /health` beside its GraphQL path (the kit's HTTP front does). */
  private async isUp(graphqlUrl: string): Promise<boolean> {
    let health: string;
    try {
      health = new URL("/health", graphqlUrl).toString();
    } catch {
      return false;
    }
    return this.units.transport.probe(health, this.probeTimeoutMs);
  }
}
