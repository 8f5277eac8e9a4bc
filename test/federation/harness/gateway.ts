import type { GatewayInterface } from "@apollo/server-gateway-interface";
import { FederationGateway } from "../../../gateway/federation-gateway";
import { DEFAULT_PLANNER, PLANNERS, type PlannerName } from "../../../gateway/planning/planner";

/*
 * The one place the conformance harness builds a gateway: the project's
 * own, as Apollo Server's `gateway` option, under the planner asked for.
 */

export type Planner = PlannerName;

/** Every planner the gateway can run; each case runs under each. */
export const runnablePlanners: readonly Planner[] = PLANNERS;

/** The planner the gateway uses when none is configured: it must pass every case. */
export const defaultPlanner: Planner = DEFAULT_PLANNER;

const quiet = { info() {}, warn() {}, error() {} };

export function createGateway(planner: Planner, supergraphSdl: string): GatewayInterface {
  return new FederationGateway({ supergraphSdl, planner, logger: quiet });
}
