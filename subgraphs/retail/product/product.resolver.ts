import { Arg, Ctx, Directive, ID, Int, Query, Resolver } from "type-graphql";
import { checkFirst, CATALOGUE, PAGE_SLICED_BY_FIRST } from "../../../kit/subgraph";
import type { RetailContext } from "../unit";
import { decodeCursor, encodeCursor } from "./product.cursor";
import { Product, ProductPage } from "./product.type";

@Resolver(() => Product)
export class ProductResolver {
  @Query(() => Product, { nullable: true, description: "A product by SKU; null when retail does not sell it. Resolved by retail." })
  product(@Arg("sku", () => ID) sku: string, @Ctx() ctx: RetailContext): Promise<Product | null> {
    return ctx.loaders.product.load(sku);
  }

  @Directive(PAGE_SLICED_BY_FIRST)
  @Query(() => ProductPage, { nullable: true, description: "The catalogue ordered by SKU, optionally one category, a page at a time (first at most 100). Resolved by retail." })
  async products(
    @Arg("category", () => String, { nullable: true, description: "Only this category (exact name, see `categories`)." }) category: string | null | undefined,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50, description: "Page size, 1 to 100." }) first: number | null,
    @Arg("after", () => String, { nullable: true, description: "endCursor of the previous page." }) after: string | null | undefined,
    @Ctx() ctx: RetailContext,
  ): Promise<ProductPage> {
    const slice = await ctx.repos.products.page({ category: category ?? null, first: checkFirst(first ?? 50, 100), afterSku: after == null ? null : decodeCursor(after) });
    // Prime this request's loader: a product(sku) or entity lookup later in the same operation reuses the rows.
    for (const p of slice.items) ctx.loaders.product.prime(p.sku, p);
    const last = slice.items[slice.items.length - 1];
    return Object.assign(new ProductPage(), { ...slice, endCursor: last ? encodeCursor(last.sku) : null });
  }

  @Directive(CATALOGUE)
  @Query(() => [String], { nullable: true, description: "Every catalogue category, alphabetically. Resolved by retail." })
  categories(@Ctx() ctx: RetailContext): Promise<string[]> {
    return ctx.repos.products.categories();
  }
}

export function resolveProductReference(ref: { sku: string }, ctx: RetailContext): Promise<Product | null> {
  return ctx.loaders.product.load(ref.sku);
}
