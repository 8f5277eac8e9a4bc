import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { Money } from "../../../kit/subgraph";

/**
 * A basket line with retail's facts about it. Promotions declares the same
 * type and reads it through `@requires` to price the quote, hence shareable.
 * Inaccessible as a type too: hiding only Quote.basket would still leave an
 * unreachable BasketItem in the public schema and its docs.
 */
@ObjectType({ description: "A quoted basket line with its list price and category. Resolved by retail for promotions' price engine; internal." })
@Directive("@shareable")
@Directive("@inaccessible")
export class BasketItem {
  @Field(() => ID, { description: "The product's SKU. From the quote id." })
  sku!: string;

  @Field(() => Int, { description: "How many units are quoted. From the quote id." })
  quantity!: number;

  @Field({ description: "The product's category. Owned by retail." })
  category!: string;

  @Field(() => Money, { description: "The product's list price for one unit. Owned by retail." })
  listPrice!: Money;
}

/**
 * A quote's id is its basket (kit/quote-key.ts), so retail can resolve any
 * quote promotions hands it without storing anything.
 */
// Described by its owner, promotions.
@ObjectType()
@Directive(`@key(fields: "id")`)
export class Quote {
  @Field(() => ID, { description: "The basket, encoded (customer and SKU*quantity lines)." })
  id!: string;

  @Directive("@inaccessible")
  @Field(() => [BasketItem], { description: "The basket's lines with retail's list prices, in line order (internal, read by promotions via @requires)." })
  basket!: BasketItem[];
}
