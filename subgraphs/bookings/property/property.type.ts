import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "A hotel guests stay at. Owned by bookings." })
export class Property {
  @Field(() => ID, { description: "Hotel code, e.g. LIS01. Owned by bookings." })
  code!: string;

  @Field({ description: "The hotel's name. Owned by bookings." })
  name!: string;

  @Field({ description: "City the hotel is in. Owned by bookings." })
  city!: string;

  @Field({ description: "Country, ISO-3166 alpha-2 code, e.g. PT. Owned by bookings." })
  country!: string;

  @Field({ description: "The hotel's IANA time zone, e.g. Europe/Lisbon; check-in and check-out are local to it. Owned by bookings." })
  timeZone!: string;
}
