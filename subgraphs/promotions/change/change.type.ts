import { Field, ObjectType } from "type-graphql";
import { Customer } from "../customer/customer.type";

/** One unit's change to a customer, as its event announced it; `customer` is read fresh, from every unit. */
@ObjectType({ description: "A change to a customer, written in one unit and announced by its event. Select `customer` for the fresh answer from every unit, read after the change. Owned by promotions, fed by every unit's events." })
export class CustomerChange {
  @Field({ description: "When the change was written, ISO-8601 UTC." })
  at!: string;

  @Field({ description: "The unit that wrote it, by its name in lower case: bookings, billing, retail, promotions, care, or a unit added since." })
  unit!: string;

  @Field({ description: "What happened, e.g. `offer-redeemed`, `consent-changed`, `stay-preference-set`." })
  kind!: string;

  @Field(() => Customer, { description: "The customer, as every unit sees them now." })
  customer!: Customer;
}
