import { Directive, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { LoyaltyTier, Money, REVALIDATE } from "../../../kit/subgraph";

export enum OfferKind {
  PRICE = "PRICE",
  ACCOUNT = "ACCOUNT",
}
registerEnumType(OfferKind, {
  name: "OfferKind",
  description: "PRICE offers are applied by the price engine to product prices; ACCOUNT offers are perks and vouchers listed for the customer. Owned by promotions.",
});

@ObjectType({ description: "An offer from the promotions catalogue. Owned by promotions." })
@Directive(`@key(fields: "code")`)
@Directive(REVALIDATE)
export class Offer {
  @Field(() => ID, { description: "Offer code, e.g. OUTDOOR15." })
  code!: string;

  @Field({ description: "Headline shown to the customer. Owned by promotions." })
  title!: string;

  @Field({ description: "What the offer gives, and to whom. Owned by promotions." })
  description!: string;

  @Field({ description: "First moment the offer is valid, ISO-8601 UTC." })
  validFrom!: string;

  @Field(() => String, { nullable: true, description: "Last moment the offer is valid, ISO-8601 UTC; null when open-ended." })
  validUntil!: string | null;

  @Field(() => OfferKind, { description: "Applied to prices by the price engine (PRICE) or listed for the customer as a perk (ACCOUNT). Owned by promotions." })
  kind!: OfferKind;

  @Field(() => Int, { nullable: true, description: "Percentage taken off, for percentage offers." })
  percentOff!: number | null;

  @Field(() => Money, { nullable: true, description: "Amount taken off, for fixed-amount offers." })
  amountOff!: Money | null;

  @Field(() => String, { nullable: true, description: "Product category the offer applies to, if scoped." })
  category!: string | null;

  @Field(() => ID, { nullable: true, description: "Product SKU the offer applies to, if scoped." })
  sku!: string | null;

  @Field(() => LoyaltyTier, { nullable: true, description: "Lowest loyalty tier (retail) that qualifies, if any." })
  requiresTier!: LoyaltyTier | null;

  @Field(() => Int, { nullable: true, description: "Completed stays (bookings) needed to qualify, if any." })
  minStays!: number | null;

  @Field({ description: "Only for customers who accept marketing e-mail." })
  requiresEmailConsent!: boolean;

  @Field({ description: "Can be redeemed once per customer." })
  singleUse!: boolean;

  @Field({ description: "Shown to anyone, partners included." })
  public!: boolean;

  /** Validity as instants, for the rules. */
  validFromMs!: number;
  validUntilMs!: number | null;
  amountOffMinor!: bigint | null;
}

@ObjectType({ description: "The price of a product, computed only by the promotions price engine. Owned by promotions." })
@Directive(REVALIDATE)
export class Price {
  @Field(() => Money, { description: "Retail's list price." })
  list!: Money;

  @Field(() => Money, { description: "What the applied offer takes off (0.00 when none)." })
  discount!: Money;

  @Field(() => Money, { description: "What the customer pays: list minus discount." })
  final!: Money;

  @Field(() => Offer, { nullable: true, description: "The offer the engine applied, if any." })
  appliedOffer!: Offer | null;
}

/** Retail's product, as promotions prices it: list price and category are read live via @requires. */
// Described by its owner, retail.
@ObjectType()
@Directive(`@key(fields: "sku")`)
export class Product {
  @Field(() => ID)
  sku!: string;

  // Null when retail did not answer (the gateway hands over null for a failed unit's fields).
  @Directive("@external")
  @Field(() => Money)
  listPrice!: Money | null;

  @Directive("@external")
  @Field(() => String)
  category!: string | null;
}
