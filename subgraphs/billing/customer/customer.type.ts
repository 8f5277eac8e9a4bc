import { Authorized, Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Access, Money } from "../../../kit";

export enum AccountStatus {
  ACTIVE = "ACTIVE",
  SUSPENDED = "SUSPENDED",
  CLOSED = "CLOSED",
}
registerEnumType(AccountStatus, { name: "AccountStatus", description: "State of the billing account. Owned by billing." });

@ObjectType({ description: "The customer's billing account. Owned by billing." })
export class BillingAccount {
  @Field(() => ID, { description: "Billing account number." })
  number!: string;

  @Field(() => AccountStatus, { description: "Whether the account is active, suspended or closed. Owned by billing." })
  status!: AccountStatus;

  @Field({ description: "Currency the account is invoiced in." })
  currency!: string;

  @Field(() => Money, { description: "Credit the account may run up." })
  creditLimit!: Money;

  @Field({ description: "When the account was opened, ISO-8601 UTC." })
  openedAt!: string;
}

/**
 * The customer as billing knows them: the account holder. Billing owns the
 * name, e-mail and phone, and decides whether a customer id exists at all.
 */
@ObjectType({ description: "One customer, as every unit sees them. Keyed by the enterprise customer id; each unit contributes its fields." })
@Directive(`@key(fields: "id")`)
export class Customer {
  @Field(() => ID, { description: "Enterprise customer id, e.g. C000042." })
  id!: string;

  @Authorized(Access.OWNER)
  @Field({ description: "Full name of the account holder. Owned by billing." })
  name!: string;

  @Authorized(Access.OWNER)
  @Field({ description: "E-mail of the account holder. Owned by billing." })
  email!: string;

  @Authorized(Access.OWNER)
  @Field(() => String, { nullable: true, description: "Phone of the account holder. Owned by billing." })
  phone!: string | null;

  account!: BillingAccount;
}
