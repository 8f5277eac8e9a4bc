import { Directive, Field, ID, ObjectType } from "type-graphql";

/**
 * The customer as care knows them: the enterprise id. Care adds its
 * fields to the shared entity; whether a customer exists at all is billing's
 * call.
 */
@ObjectType({ description: "One customer, as every unit sees them. Keyed by the enterprise customer id; each unit contributes its fields." })
@Directive(`@key(fields: "id")`)
export class Customer {
  @Field(() => ID, { description: "Enterprise customer id, e.g. C000042." })
  id!: string;
}
