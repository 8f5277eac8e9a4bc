import { Arg, Authorized, Ctx, Directive, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import { Access, BadUserInputError, ForbiddenError, checkFirst, Money, TIMELINE_MAX, TouchPoint } from "../../../kit";
import type { BillingContext } from "../context";
import { invoiceTouchPoint } from "../invoice/invoice.mapper";
import { Invoice, InvoiceStatus } from "../invoice/invoice.type";
import { BillingAccount, Customer } from "./customer.type";

@Resolver(() => Customer)
export class CustomerResolver {
  @Authorized(Access.OWNER)
  @Query(() => Customer, { nullable: true, description: "A customer by enterprise id; null when no unit knows them. Resolved by billing (the account holder)." })
  customer(@Arg("id", () => ID) id: string, @Ctx() ctx: BillingContext): Promise<Customer | null> {
    return ctx.loaders.customer.load(id);
  }

  @Authorized(Access.SIGNED_IN)
  @Query(() => Customer, { nullable: true, description: "A customer by e-mail address (case-insensitive). Resolved by billing." })
  async customerByEmail(@Arg("email") email: string, @Ctx() ctx: BillingContext): Promise<Customer | null> {
    if (email.length > 254 || !email.includes("@")) throw new BadUserInputError("email must be an e-mail address", "email");
    const customer = await ctx.repos.accounts.byEmail(email);
    if (!customer) return null;
    // Only agents look customers up; a customer may look up their own address.
    if (ctx.identity?.role !== "agent" && ctx.identity?.customerId !== customer.id) throw new ForbiddenError("only agents may look up customers by e-mail");
    ctx.loaders.customer.prime(customer.id, customer);
    return customer;
  }

  @Authorized(Access.AGENT)
  @Query(() => [Customer], { description: "Customers whose name, e-mail or id contains the text. For agents. Resolved by billing." })
  async searchCustomers(
    @Arg("text") text: string,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Ctx() ctx: BillingContext,
  ): Promise<Customer[]> {
    if (text.trim().length < 2) throw new BadUserInputError("text must have at least 2 characters", "text");
    const found = await ctx.repos.accounts.search(text, checkFirst(first ?? 20, 100));
    for (const c of found) ctx.loaders.customer.prime(c.id, c);
    return found;
  }

  @Query(() => Customer, { nullable: true, description: "The signed-in customer; null when the caller is not a customer. Resolved by billing." })
  me(@Ctx() ctx: BillingContext): Promise<Customer | null> | null {
    return ctx.identity?.customerId ? ctx.loaders.customer.load(ctx.identity.customerId) : null;
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => BillingAccount, { nullable: true, description: "The billing account. Owned by billing." })
  account(@Root() customer: Customer): BillingAccount {
    return customer.account;
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => Money, { description: "What the customer owes now: open and overdue invoices. Owned by billing." })
  async balance(@Root() customer: Customer, @Ctx() ctx: BillingContext): Promise<Money> {
    return Money.of((await ctx.loaders.outstanding.load(customer.id)) ?? 0n, customer.account.currency);
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => [Invoice], { description: "Invoices, newest first (at most 100). Owned by billing." })
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
  @FieldResolver(() => [TouchPoint], { description: "Billing's touch points, newest first (internal, for Customer.timeline)." })
  async billingTouchPoints(@Root() customer: Customer, @Ctx() ctx: BillingContext): Promise<TouchPoint[]> {
    const invoices = await ctx.loaders.invoicesOf({ status: null, first: TIMELINE_MAX }).load(customer.id);
    return invoices.map(invoiceTouchPoint);
  }
}

export function resolveCustomerReference(ref: { id: string }, ctx: BillingContext): Promise<Customer | null> {
  return ctx.loaders.customer.load(ref.id);
}
