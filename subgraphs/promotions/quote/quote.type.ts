import { Directive, Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { Money, REVALIDATE } from "../../../kit/subgraph";
import { Price, Product } from "../offer/offer.type";

@InputType({ description: "One line of a basket to price. Read by promotions." })
export class QuoteLineInput {
  @Field(() => ID, { description: "SKU of a product in retail's catalogue, e.g. SKU-0001." })
  sku!: string;

  @Field(() => Int, { description: "How many units, at least 1." })
  quantity!: number;
}

/** A basket line with retail's list price, handed to promotions via @requires. */
// Described by its owner, retail.
@ObjectType()
export class BasketItem {
  @Directive("@external")
  @Field(() => ID)
  sku!: string;

  @Directive("@external")
  @Field(() => Int)
  quantity!: number;

  @Directive("@external")
  @Field()
  category!: string;

  @Directive("@external")
  @Field(() => Money)
  listPrice!: Money;
}

@ObjectType({ description: "A priced basket. Its id encodes the basket, so the same basket always gets the same id and the same prices. Priced by promotions." })
@Directive(`@key(fields: "id")`)
@Directive(REVALIDATE)
export class Quote {
  @Field(() => ID)
  id!: string;

  /** Null when retail did not answer. */
  @Directive("@external")
  @Field(() => [BasketItem])
  basket?: BasketItem[] | null;

  /** Who the quote prices for (from the id); null for everyone. */
  customerId?: string | null;
}

@ObjectType({ description: "One priced line of a quote. Owned by promotions." })
@Directive(REVALIDATE)
export class QuoteLine {
  // Nullable: retail owns the product and may fail after promotions priced the line.
  @Field(() => Product, { nullable: true, description: "The product priced; its details come from retail." })
  product!: Product;

  @Field(() => Int, { description: "How many units are quoted." })
  quantity!: number;

  @Field(() => Price, { description: "Unit price, by the same rules as Product.price." })
  price!: Price;

  @Field(() => Money, { description: "Final unit price times quantity." })
  lineTotal!: Money;
}
