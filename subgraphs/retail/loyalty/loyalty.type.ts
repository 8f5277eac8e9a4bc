import { Field, ID, Int, ObjectType } from "type-graphql";
import { LoyaltyTier } from "../../../kit";

@ObjectType({ description: "A customer's membership of the retail loyalty programme. Owned by retail; promotions reads the tier live for member offers." })
export class LoyaltyMembership {
  @Field(() => ID, { description: "Membership number, e.g. M0000123. Owned by retail." })
  memberId!: string;

  @Field(() => LoyaltyTier, { description: "Current tier. Owned by retail." })
  tier!: LoyaltyTier;

  @Field(() => Int, { description: "Points balance now. Owned by retail." })
  points!: number;

  @Field({ description: "When the customer joined the programme, ISO-8601 UTC. Owned by retail." })
  joinedAt!: string;

  customerId!: string;
}
