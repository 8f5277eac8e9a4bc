import type { GraphQLResolveInfo } from "graphql";
import type { AuthChecker } from "type-graphql";
import { ForbiddenError, UnauthenticatedError } from "../errors";
import type { Identity } from "../identity";
import type { RequestBase } from "./request";

/**
 * Who may see what, enforced in every subgraph (the gateway checks tokens;
 * the units decide access, so a unit is safe even if it is reached some
 * other way). Fields carry `@Authorized(Access.X)`:
 * - OWNER: personal data of one customer: agents, or that customer. With no
 *   customer involved (a price asked without `customerId`), any signed-in
 *   caller, partners included.
 * - SIGNED_IN: prices and offers: customers, agents and partners.
 * - AGENT: agents only (searching customers).
 * Fields without it (the catalogue, list prices) are open to anonymous callers.
 */
export enum Access {
  OWNER = "OWNER",
  SIGNED_IN = "SIGNED_IN",
  AGENT = "AGENT",
}

/** The customer a field's data belongs to, if any. */
function ownerOf(root: unknown, args: Record<string, unknown>, info: GraphQLResolveInfo): string | null {
  if (typeof args.customerId === "string") return args.customerId;
  const r = root as { customerId?: unknown; id?: unknown } | undefined;
  if (r && typeof r.customerId === "string") return r.customerId;
  if (info.parentType.name === "Customer" && r && typeof r.id === "string") return r.id;
  if (info.parentType.name === "Query" && info.fieldName === "customer" && typeof args.id === "string") return args.id;
  return null;
}

export const authChecker: AuthChecker<RequestBase, Access> = ({ root, args, context, info }, [access]) => {
  const who = context.identity;
  const what = `${info.parentType.name}.${info.fieldName}`;
  if (!who) throw new UnauthenticatedError(`sign in to read ${what}; anonymous callers see the catalogue and list prices`);
  if (access === Access.AGENT) {
    if (who.role !== "agent") throw new ForbiddenError(`${what} is for agents only`);
    return true;
  }
  const owner = access === Access.OWNER ? ownerOf(root, args, info) : null;
  if (owner === null || who.role === "agent") return true;
  if (who.role === "customer" && who.customerId === owner) return true;
  throw new ForbiddenError(who.role === "customer" ? `a customer may read only their own data (${what} of another customer)` : `partners may not read customer data (${what})`);
};

/**
 * For a stream about one customer (a subscription): agents, or that very
 * customer. Anonymous callers and partners are refused with FORBIDDEN, at
 * subscribe time and again for every event.
 */
export function assertMayFollow(who: Identity | null, customerId: string, what: string): void {
  if (who?.role === "agent") return;
  if (who?.role === "customer" && who.customerId === customerId) return;
  if (!who) throw new ForbiddenError(`sign in as the customer or an agent to follow ${what}`);
  throw new ForbiddenError(who.role === "customer" ? `a customer may follow only their own changes (${what} of another customer)` : `partners may not follow customer data (${what})`);
}
