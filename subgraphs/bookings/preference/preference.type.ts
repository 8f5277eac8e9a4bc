import { Field, ID, ObjectType } from "type-graphql";
import { Access, Authorized, Channel } from "../../../kit/subgraph";

@ObjectType({ description: "Something a guest asked hotels to remember for every stay. Owned by bookings." })
export class StayPreference {
  @Authorized(Access.OWNER)
  @Field(() => ID, { description: "Preference id. Owned by bookings." })
  id!: string;

  @Authorized(Access.OWNER)
  @Field({ description: 'The preference as noted, e.g. "feather-free pillows". Owned by bookings.' })
  preference!: string;

  @Authorized(Access.OWNER)
  @Field({ description: "When it was noted, ISO-8601 UTC. Owned by bookings." })
  notedAt!: string;

  @Authorized(Access.OWNER)
  @Field(() => Channel, { nullable: true, description: "The channel it was noted through; null where the silo did not record one. Owned by bookings." })
  channel!: Channel | null;

  customerId!: string;
}
