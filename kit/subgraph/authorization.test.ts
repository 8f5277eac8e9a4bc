import { type ExecutionResult, execute, parse } from "graphql";
import { Arg, Field, FieldResolver, ID, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Access, Authorized } from "./authorization";
import { buildFederatedSchema } from "./federation";
import type { Identity } from "../identity";

@ObjectType()
class Account {
  @Field(() => ID)
  id!: string;

  @Authorized(Access.OWNER)
  @Field(() => String)
  customerId!: string;

  @Authorized(Access.AGENT)
  @Field(() => String)
  riskNote!: string;
}

@Resolver(() => Account)
class AccountResolver {
  @Authorized(Access.OWNER)
  @Query(() => Account, { nullable: true })
  account(@Arg("customerId", () => ID) customerId: string): Account {
    return { id: `A-${customerId}`, customerId, riskNote: "watch" };
  }

  @Authorized(Access.SIGNED_IN)
  @FieldResolver(() => String)
  label(@Root() account: Account): string {
    return `account ${account.id}`;
  }

  @Query(() => String)
  catalogue(): string {
    return "open";
  }
}

const customer = (customerId: string): Identity => ({ role: "customer", subject: customerId, customerId });

describe("@Authorized, checked in front of each field's resolver", () => {
  const ask = async (identity: Identity | null, query: string): Promise<ExecutionResult> => {
    const { schema } = await buildFederatedSchema({ resolvers: [AccountResolver] });
    return execute({ schema, document: parse(query), contextValue: { requestId: "test", channel: null, identity } });
  };
  const codes = (result: ExecutionResult) => (result.errors ?? []).map((e) => [e.path?.join("."), e.extensions.code, e.message]);

  it("lets agents read everything, and anyone the open fields", async () => {
    const agent = await ask({ role: "agent", subject: "a1" }, `{ catalogue account(customerId: "C1") { id customerId riskNote label } }`);
    expect(agent).toEqual({ data: { catalogue: "open", account: { id: "A-C1", customerId: "C1", riskNote: "watch", label: "account A-C1" } } });
    expect(await ask(null, `{ catalogue }`)).toEqual({ data: { catalogue: "open" } });
  });

  it("lets a customer read their own data, not the agents' fields", async () => {
    const own = await ask(customer("C1"), `{ account(customerId: "C1") { id customerId riskNote label } }`);
    expect(own.data).toEqual({ account: null });
    expect(codes(own)).toEqual([["account.riskNote", "FORBIDDEN", "Account.riskNote is for agents only"]]);
    expect(await ask(customer("C1"), `{ account(customerId: "C1") { customerId label } }`)).toEqual({ data: { account: { customerId: "C1", label: "account A-C1" } } });
  });

  it("refuses anonymous callers, other customers and partners, naming the field", async () => {
    expect(codes(await ask(null, `{ account(customerId: "C1") { id } }`))).toEqual([["account", "UNAUTHENTICATED", "sign in to read Query.account; anonymous callers see the catalogue and list prices"]]);
    expect(codes(await ask(customer("C2"), `{ account(customerId: "C1") { id } }`))).toEqual([["account", "FORBIDDEN", "a customer may read only their own data (Query.account of another customer)"]]);
    expect(codes(await ask({ role: "partner", subject: "p1" }, `{ account(customerId: "C1") { id } }`))).toEqual([["account", "FORBIDDEN", "partners may not read customer data (Query.account)"]]);
  });

  it("leaves no trace of the check in the subgraph's SDL", async () => {
    const { sdl } = await buildFederatedSchema({ resolvers: [AccountResolver] });
    expect(sdl).toContain("riskNote: String!");
    expect(sdl).not.toMatch(/customerGraphAccess|OWNER|AGENT/);
  });
});
