import { ApolloGateway } from "@apollo/gateway";
import type { GatewayInterface } from "@apollo/server-gateway-interface";

/*
 * The one place the conformance harness builds a gateway. Every case runs
 * under each planner; until the project's own gateway (which hosts both
 * planners) exists, stock @apollo/gateway stands in for Apollo's planner and
 * Hive's planner has no gateway to run in.
 */

export const PLANNERS = ["apollo", "hive"] as const;
export type Planner = (typeof PLANNERS)[number];

/** The planners a gateway can be built for in this checkout. */
export const runnablePlanners: readonly Planner[] = ["apollo"];

/** The planner the gateway uses when none is configured: it must pass every case. */
export const defaultPlanner: Planner = "apollo";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export function createGateway(planner: Planner, supergraphSdl: string): GatewayInterface {
  if (!runnablePlanners.includes(planner)) throw new Error(`no gateway runs the ${planner} planner in this checkout`);
  return new ApolloGateway({ supergraphSdl, logger: quiet });
}
