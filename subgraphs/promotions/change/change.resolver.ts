import { Arg, Ctx, ID, Resolver, Root, Subscription } from "type-graphql";
import { type DomainEvent, assertMayFollow, followCustomer } from "../../../kit/subgraph";
import type { PromotionsContext } from "../unit";
import { Customer } from "../customer/customer.type";
import { CustomerChange } from "./change.type";

/**
 * `customerChanged`: every unit's events about one customer, from the broker.
 * Promotions owns it because it already is where the units meet (it merges
 * every unit's touch points into the timeline and decides offers from their
 * facts), and two of the three writes of the graph are its own.
 */
@Resolver(() => CustomerChange)
export class CustomerChangeResolver {
  @Subscription(() => CustomerChange, {
    description:
      "Changes to one customer in any unit (a redemption, a consent or stay preference, ...), as they are written. Each event carries when, which unit and what; select `customer` for the fresh answer. A customer may follow only themselves; agents anyone; partners and anonymous callers are refused (FORBIDDEN). Owned by promotions.",
    subscribe: ({ args, context }) => {
      const ctx = context as PromotionsContext;
      const id = (args as { id: string }).id;
      assertMayFollow(ctx.identity, id, `customer ${id}`);
      return followCustomer(ctx.bus, id);
    },
  })
  customerChanged(@Arg("id", () => ID) id: string, @Root() event: DomainEvent, @Ctx() ctx: PromotionsContext): CustomerChange {
    // Per event, again: the stream is about `id`, and this subscriber must still be allowed to see it.
    assertMayFollow(ctx.identity, event.customerId, `customer ${event.customerId}`);
    if (event.customerId !== id) throw new Error(`event ${event.id} is about ${event.customerId}, not ${id}`);
    return Object.assign(new CustomerChange(), { at: event.at, unit: event.unit, kind: event.kind, customer: Object.assign(new Customer(), { id: event.customerId }) });
  }
}
