import { Directive, Field, ID, ObjectType } from "type-graphql";
import { PERSONAL } from "../../../kit/subgraph";

/**
 * The customer as bookings knows them: only the enterprise id, held as
 * `guest_ref` on stays and preferences. Bookings contributes the stay
 * history; whether a customer exists at all is billing's call.
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
