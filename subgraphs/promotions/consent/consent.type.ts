import { Authorized, Field, ObjectType } from "type-graphql";
import { Access, Channel } from "../../../kit/subgraph";

@ObjectType({ description: "The customer's marketing consent per medium. Owned by promotions; offers that need consent are shown only with it." })
export class MarketingConsent {
  @Authorized(Access.OWNER)
  @Field({ description: "Accepts marketing e-mail." })
  email!: boolean;

  @Authorized(Access.OWNER)
  @Field({ description: "Accepts marketing SMS." })
  sms!: boolean;

  @Authorized(Access.OWNER)
  @Field({ description: "Accepts push notifications." })
  push!: boolean;

  @Authorized(Access.OWNER)
  @Field(() => String, { nullable: true, description: "When consent last changed, ISO-8601 UTC; null if never given." })
  updatedAt!: string | null;

  @Authorized(Access.OWNER)
  @Field(() => Channel, { nullable: true, description: "Channel of the last change." })
  updatedVia!: Channel | null;

  customerId!: string;
}
