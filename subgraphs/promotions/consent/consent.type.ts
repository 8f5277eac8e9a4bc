import { Field, ObjectType } from "type-graphql";
import { Channel } from "../../../kit";

@ObjectType({ description: "The customer's marketing consent per medium. Owned by promotions; offers that need consent are shown only with it." })
export class MarketingConsent {
  @Field({ description: "Accepts marketing e-mail." })
  email!: boolean;

  @Field({ description: "Accepts marketing SMS." })
  sms!: boolean;

  @Field({ description: "Accepts push notifications." })
  push!: boolean;

  @Field(() => String, { nullable: true, description: "When consent last changed, ISO-8601 UTC; null if never given." })
  updatedAt!: string | null;

  @Field(() => Channel, { nullable: true, description: "Channel of the last change." })
  updatedVia!: Channel | null;

  customerId!: string;
}
