import { Arg, Ctx, Directive, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import { Access, Authorized, BadUserInputError, ForbiddenError, checkFirst, Money, TIMELINE_MAX, TouchPoint, TouchPointsScalar, SLICED_BY_FIRST } from "../../../kit/subgraph";
import type { BillingContext } from "../unit";
import { invoiceTouchPoint } from "../invoice/invoice.mapper";
import { Invoice, InvoiceStatus } from "../invoice/invoice.type";
import { BillingAccount, Customer, unknownAccount } from "./customer.type";

@Resolver(() => Customer)
export class CustomerResolver {
  @Authorized(Access.OWNER)
  @Query(() => Customer, {
    nullable: true,
    description: "A customer by enterprise id; null when billing, the account holder, has none by that id. Resolved by billing, which decides who exists: while billing is down it is null, with an error naming billing.",
  })
  customer(@Arg("id", () => ID) id: string, @Ctx() ctx: BillingContext): Promise<Customer | null> {
    return ctx.loaders.customer.load(id);
  }

  @Authorized(Access.SIGNED_IN)
  @Query(() => Customer, { nullable: true, description: "A customer by e-mail address (case-insensitive). For agents; a customer may look up their own address. Resolved by billing." })
  async customerByEmail(@Arg("email") email: string, @Ctx() ctx: BillingContext): Promise<Customer | null> {
    if (email.length > 254 || !email.includes("@")) throw new BadUserInputError("email must be an e-mail address", "email");
    // Read in every case, and refuse anyone but an agent in the same words
    // whether or not the address is registered (unless it is their own): the
    // answer must not tell a caller who is a customer.
    const customer = await ctx.repos.accounts.byEmail(email);
    const own = customer !== null && customer.id === ctx.identity?.customerId;
    if (ctx.identity?.role !== "agent" && !own) throw new ForbiddenError("only agents may look up customers by e-mail; a customer may look up their own address only");
    if (!customer) return null;
    ctx.loaders.customer.prime(customer.id, customer);
    return customer;
  }

  @Authorized(Access.AGENT)
  @Directive(SLICED_BY_FIRST)
  @Query(() => [Customer], { nullable: true, description: "Customers whose name, e-mail or id contains the text. For agents. Resolved by billing." })
  async searchCustomers(@Arg("text") text: string, @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null, @Ctx() ctx: BillingContext): Promise<Customer[]> {
    if (text.trim().length < 2) throw new BadUserInputError("text must have at least 2 characters", "text");
    const found = await ctx.repos.accounts.search(text, checkFirst(first ?? 20, 100));
    for (const c of found) ctx.loaders.customer.prime(c.id, c);
    return found;
  }

  /**
   * The token vouches for the id, so every unit answers `me` from it
   * (`@shareable`): the gateway asks each unit for its own fields in
   * parallel, and a unit that fails costs only those. Billing answers the id
   * even without an account, with its own fields null, as the others do.
   */
  @Directive("@shareable")
  @Query(() => Customer, { nullable: true, description: "The signed-in customer; null when the caller is not a customer. Every unit answers it from the verified token." })
  async me(@Ctx() ctx: BillingContext): Promise<Customer | null> {
    const id = ctx.identity?.customerId;
    return id ? ((await ctx.loaders.customer.load(id)) ?? unknownAccount(id)) : null;
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => BillingAccount, { nullable: true, description: "The billing account. Owned by billing." })
  account(@Root() customer: Customer): BillingAccount | null {
    return customer.account;
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => Money, { nullable: true, description: "What the customer owes now: open and overdue invoices. Owned by billing." })
  async balance(@Root() customer: Customer, @Ctx() ctx: BillingContext): Promise<Money | null> {
    if (!customer.account) return null;
    return Money.of((await ctx.loaders.outstanding.load(customer.id)) ?? 0n, customer.account.currency);
  }

  @Authorized(Access.OWNER)
  @Directive(SLICED_BY_FIRST)
  @FieldResolver(() => [Invoice], { nullable: true, description: "Invoices, newest first (at most 100). Owned by billing." })
  invoices(
    @Root() customer: Customer,
    @Arg("status", () => InvoiceStatus, { nullable: true }) status: InvoiceStatus | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Ctx() ctx: BillingContext,
  ): Promise<Invoice[]> {
    return ctx.loaders.invoicesOf({ status: status ?? null, first: checkFirst(first ?? 20, 100) }).load(customer.id);
  }

  // Billing's part of the timeline; promotions merges every unit's part (see
  // its timeline resolver). Hidden from clients, read by the planner only.
  @Directive("@inaccessible")
  @Authorized(Access.OWNER)
  @FieldResolver(() => TouchPointsScalar, { nullable: true, description: "Billing's touch points, newest first (internal, for Customer.timeline)." })
  async billingTouchPoints(@Root() customer: Customer, @Ctx() ctx: BillingContext): Promise<TouchPoint[]> {
    const invoices = await ctx.loaders.invoicesOf({ status: null, first: TIMELINE_MAX }).load(customer.id);
    return invoices.map(invoiceTouchPoint);
  }
}

export function resolveCustomerReference(ref: { id: string }, ctx: BillingContext): Promise<Customer | null> {
  return ctx.loaders.customer.load(ref.id);
}
