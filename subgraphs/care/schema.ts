import { type FederatedSchema, buildFederatedSchema } from "../../kit";
import { CustomerResolver, resolveCustomerReference } from "./customer/customer.resolver";
import { Customer } from "./customer/customer.type";

/** Care's subgraph schema; needs no database, so composition can build it. */
export function buildCareSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema({ resolvers: [CustomerResolver], orphanedTypes: [Customer] }, { Customer: { __resolveReference: resolveCustomerReference } });
}
