import { Authorized, Field, ID, ObjectType } from "type-graphql";
import { Access, Channel } from "../../../kit/subgraph";

@ObjectType({ description: "An offer redeemed by a customer, with the channel it was redeemed through. Owned by promotions." })
export class Redemption {
  @Authorized(Access.OWNER)
  @Field(() => ID, { description: "Redemption id. Owned by promotions." })
  id!: string;

  @Authorized(Access.OWNER)
  @Field(() => Channel, { description: "Where it was redeemed. Recorded, never used to vary an answer." })
  channel!: Channel;

  @Authorized(Access.OWNER)
  @Field({ description: "When it was redeemed, ISO-8601 UTC." })
  redeemedAt!: string;

  offerCode!: string;
  customerId!: string;
}
