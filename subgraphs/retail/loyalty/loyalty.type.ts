import { Authorized, Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { Access, LoyaltyTier } from "../../../kit/subgraph";

@ObjectType({ description: "A customer's membership of the retail loyalty programme. Owned by retail; promotions reads the tier live for member offers." })
export class LoyaltyMembership {
  @Authorized(Access.OWNER)
  @Field(() => ID, { description: "Membership number, e.g. M0000123. Owned by retail." })
  memberId!: string;

  @Authorized(Access.OWNER)
  @Field(() => LoyaltyTier, { description: "Current tier. Owned by retail." })
  tier!: LoyaltyTier;

  @Authorized(Access.OWNER)
  @Field(() => Int, { description: "Points balance now. Owned by retail." })
  points!: number;

  @Authorized(Access.OWNER)
  @Field({ description: "When the customer joined the programme, ISO-8601 UTC. Owned by retail." })
  joinedAt!: string;

  customerId!: string;
}

/** What other units' rules need of the loyalty programme (Customer.loyaltyStanding, internal). */
@ObjectType({ description: "A customer's standing in the loyalty programme, for other units' rules. Owned by retail." })
@Directive("@inaccessible")
export class LoyaltyStanding {
  @Field(() => LoyaltyTier, { nullable: true, description: "Current tier; null when not a member." })
  tier!: LoyaltyTier | null;
}
