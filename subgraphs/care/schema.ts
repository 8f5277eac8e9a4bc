import { type FederatedSchema, buildFederatedSchema } from "../../kit";
import { CareCaseResolver } from "./case/case.resolver";
import { ContactResolver } from "./contact/contact.resolver";
import { CustomerResolver, resolveCustomerReference } from "./customer/customer.resolver";
import { Customer } from "./customer/customer.type";

/** Care's subgraph schema; needs no database, so composition can build it. */
export function buildCareSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema({ resolvers: [CustomerResolver, CareCaseResolver, ContactResolver], orphanedTypes: [Customer] }, { Customer: { __resolveReference: resolveCustomerReference } });
}
