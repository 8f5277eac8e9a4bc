import { ApolloGateway } from "@apollo/gateway";
import type { computeResponse } from "@apollo/gateway/dist/resultShaping";
import type { GatewayInterface } from "@apollo/server-gateway-interface";
import type { FederationGatewayOptions } from "../../gateway/federation-gateway";

/*
 * Stock @apollo/gateway as the reference the gateway's own executor and
 * result shaping are compared with (reference-diff tests). Only tests read
 * it; the one deep import of Apollo's internals (its result shaping, which
 * its package index does not export) is here, and
 * gateway/execution/shaping.test.ts fails if it moves.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const apolloComputeResponse = (require("@apollo/gateway/dist/resultShaping") as { computeResponse: typeof computeResponse }).computeResponse;

/** ApolloGateway on the options our gateway object takes (the same supergraph source and data sources). */
export function apolloGateway(options: FederationGatewayOptions): GatewayInterface {
  type Config = NonNullable<ConstructorParameters<typeof ApolloGateway>[0]>;
  return new ApolloGateway({ supergraphSdl: options.supergraphSdl, buildService: options.buildService as Config["buildService"], validateSupergraph: true });
}
