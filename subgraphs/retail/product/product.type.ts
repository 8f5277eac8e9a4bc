import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { Money, CATALOGUE, REVALIDATE } from "../../../kit/subgraph";

/**
 * A product in retail's catalogue. Retail owns the list price; promotions
 * reads it (`@requires`) to compute the final price, so the price a channel
 * shows is never worked out anywhere else.
 */
@ObjectType({ description: "A product in the shop's catalogue. Owned by retail; promotions adds its price." })
@Directive(`@key(fields: "sku")`)
@Directive(CATALOGUE)
export class Product {
  @Field(() => ID, { description: "Stock-keeping unit, e.g. SKU-0001. Owned by retail." })
  sku!: string;

  @Field({ description: "Product name as the shop shows it. Owned by retail." })
  name!: string;

  @Field({ description: 'Catalogue category, e.g. "Outdoor". Owned by retail.' })
  category!: string;

  // A price: revalidated on every request, never served stale.
  @Directive(REVALIDATE)
  @Field(() => Money, { description: "List price before any offer. Owned by retail; the final price is promotions' Product.price." })
  listPrice!: Money;
}

@Directive(CATALOGUE)
@ObjectType({ description: "One page of the retail catalogue, ordered by SKU. Owned by retail." })
export class ProductPage {
  @Field(() => [Product], { description: "The products on this page. Owned by retail." })
  items!: Product[];

  @Field(() => Int, { description: "How many products match the filter across all pages. Owned by retail." })
  totalCount!: number;

  @Field(() => String, { nullable: true, description: "Pass as `after` to get the next page; null on an empty page. Owned by retail." })
  endCursor!: string | null;

  @Field({ description: "Whether another page follows this one. Owned by retail." })
  hasNextPage!: boolean;
}
