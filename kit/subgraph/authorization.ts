import { type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema, defaultFieldResolver, isObjectType } from "graphql";
import { Extensions } from "type-graphql";
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
 *
 * The check runs synchronously, in front of the field's resolver. type-graphql's
 * own `@Authorized` runs every check through its async middleware chain: half a
 * dozen promises per field per entity, on every field of every entity of an
 * `_entities` batch, whatever the check decides (the units spent more on that
 * than on deciding). The decorator is ours for that reason; its decision,
 * errors and paths are those of the checker below.
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

/** Only `who` may read this field (`@Authorized(Access.OWNER)`), on a `@Field`, `@FieldResolver`, `@Query` or `@Mutation`. */
export function Authorized(access: Access): MethodDecorator & PropertyDecorator {
  return Extensions({ [ACCESS_EXTENSION]: access });
}

/** Where `@Authorized` leaves a field's access in the built schema (GraphQLField.extensions); never printed in SDL. */
const ACCESS_EXTENSION = "customerGraphAccess";

/**
 * Puts the access check in front of the resolver of every field of `schema`
 * that carries `@Authorized`, in the resolver map built from it
 * (federation.ts). A field with no resolver of its own reads its property.
 */
export function enforceAccess(schema: GraphQLSchema, resolvers: Record<string, unknown>): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const access = field.extensions[ACCESS_EXTENSION] as Access | undefined;
      if (access === undefined) continue;
      const fields = (resolvers[type.name] ??= {}) as Record<string, unknown>;
      const current = fields[field.name];
      if (current !== null && typeof current === "object") {
        const { resolve, subscribe } = current as { resolve?: GraphQLFieldResolver<unknown, RequestBase>; subscribe?: GraphQLFieldResolver<unknown, RequestBase> };
        fields[field.name] = { ...current, resolve: checked(access, resolve ?? defaultFieldResolver), ...(subscribe ? { subscribe: checked(access, subscribe) } : {}) };
      } else {
        fields[field.name] = checked(access, typeof current === "function" ? (current as GraphQLFieldResolver<unknown, RequestBase>) : defaultFieldResolver);
      }
    }
  }
}

function checked(access: Access, resolve: GraphQLFieldResolver<unknown, RequestBase>): GraphQLFieldResolver<unknown, RequestBase> {
  return (root, args, context, info) => {
    checkAccess(access, root, args, context, info);
    return resolve(root, args, context, info);
  };
}

/** Returns when `context.identity` may read the field; throws UNAUTHENTICATED or FORBIDDEN otherwise. */
export function checkAccess(access: Access, root: unknown, args: Record<string, unknown>, context: RequestBase, info: GraphQLResolveInfo): void {
  const who = context.identity;
  const what = () => `${info.parentType.name}.${info.fieldName}`;
  if (!who) throw new UnauthenticatedError(`sign in to read ${what()}; anonymous callers see the catalogue and list prices`);
  if (access === Access.AGENT) {
    if (who.role !== "agent") throw new ForbiddenError(`${what()} is for agents only`);
    return;
  }
  if (who.role === "agent") return;
  const owner = access === Access.OWNER ? ownerOf(root, args, info) : null;
  if (owner === null) return;
  if (who.role === "customer" && who.customerId === owner) return;
  throw new ForbiddenError(who.role === "customer" ? `a customer may read only their own data (${what()} of another customer)` : `partners may not read customer data (${what()})`);
}

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
