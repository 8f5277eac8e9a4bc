import { Directive, Field, ID, ObjectType } from "type-graphql";
import { PERSONAL } from "../../../kit/subgraph";

/**
 * The customer as retail knows them: only the enterprise id (`customer_code`
 * in the silo). Billing decides whether a customer exists; retail adds their
 * orders, loyalty membership and retail touch points to any id it is given.
 */
@ObjectType({ description: "One customer, as every unit sees them. Keyed by the enterprise customer id; each unit contributes its fields." })
@Directive(`@key(fields: "id")`)
@Directive(PERSONAL)
export class Customer {
  @Field(() => ID, { description: "Enterprise customer id, e.g. C000042." })
  id!: string;
}

export function customerRef(id: string): Customer {
  return Object.assign(new Customer(), { id });
}
