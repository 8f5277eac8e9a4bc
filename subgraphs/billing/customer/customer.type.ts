import { Authorized, Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Access, Money, PERSONAL } from "../../../kit/subgraph";

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
 * name, e-mail and phone, and decides whether a customer id exists at all
 * (`customer(id)` is billing's root field).
 */
@ObjectType({ description: "One customer, as every unit sees them. Keyed by the enterprise customer id; each unit contributes its fields." })
@Directive(`@key(fields: "id")`)
@Directive(PERSONAL)
export class Customer {
  @Field(() => ID, { description: "Enterprise customer id, e.g. C000042." })
  id!: string;

  // Nullable like every unit's Customer field: billing may fail while the
  // other units answer (the customer is reached from each of them).
  @Authorized(Access.OWNER)
  @Field(() => String, { nullable: true, description: "Full name of the account holder; null when billing has no account for the id. Owned by billing." })
  name!: string | null;

  @Authorized(Access.OWNER)
  @Field(() => String, { nullable: true, description: "E-mail of the account holder; null when billing has no account for the id. Owned by billing." })
  email!: string | null;

  @Authorized(Access.OWNER)
  @Field(() => String, { nullable: true, description: "Phone of the account holder. Owned by billing." })
  phone!: string | null;

  /** Null for a signed-in customer billing has no account for (see `me`). */
  account!: BillingAccount | null;
}

/** A customer billing keeps no account for: only the id, every billing field null. */
export function unknownAccount(id: string): Customer {
  return Object.assign(new Customer(), { id, name: null, email: null, phone: null, account: null });
}
