import { type GraphQLResolveInfo, type GraphQLSchema, execute, parse } from "graphql";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Info, Int, ObjectType, Query, Resolver, Root, registerEnumType } from "type-graphql";
import { Access, Authorized } from "./authorization";
import { buildFederatedSchema } from "./federation";
import { ForbiddenError } from "../errors";
import type { Identity } from "../identity";

/**
 * lean-resolvers.ts calls a unit's resolvers as type-graphql's wrappers
 * would: the same operations, over a schema built with each, give the same
 * answers and errors, and the resolvers see the same arguments.
 */

enum Tier {
  BRONZE = "BRONZE",
  GOLD = "GOLD",
}
registerEnumType(Tier, { name: "LeanTier" });

@ObjectType("LeanMember")
class Member {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { name: "displayName" })
  name!: string;

  @Authorized(Access.OWNER)
  @Field(() => String)
  email!: string;

  @Field(() => Tier)
  tier!: Tier;

  /** Not in the schema: field resolvers read it. */
  points!: number;
}

@InputType("LeanFilter")
class Filter {
  @Field(() => Tier, { nullable: true })
  tier?: Tier;
}

/** What the resolvers were handed, for the test to compare. */
const seen: unknown[] = [];

@Resolver(() => Member)
class MemberResolver {
  @Authorized(Access.AGENT)
  @Query(() => [Member])
  members(@Arg("ids", () => [ID]) ids: string[], @Arg("tier", () => Tier, { nullable: true }) tier: Tier | null, @Arg("first", () => Int, { defaultValue: 2 }) first: number): Member[] {
    seen.push({ ids, tier, first });
    if (first > 10) throw new ForbiddenError("too many");
    return ids.slice(0, first).map((id, i) => ({ id, name: `Member ${id}`, email: `${id}@example.com`, tier: tier ?? Tier.BRONZE, points: i * 10 }));
  }

  @Authorized(Access.OWNER)
  @FieldResolver(() => Int)
  points(@Root() member: Member, @Ctx() ctx: { identity: Identity | null }, @Info() info: GraphQLResolveInfo): number {
    seen.push({ root: member, isMember: member instanceof Member, keys: Object.keys(member), role: ctx.identity?.role, field: info.fieldName });
    return member.points;
  }

  @FieldResolver(() => String)
  async greeting(@Root() member: Member, @Arg("word", { defaultValue: "hello" }) word: string): Promise<string> {
    if (word === "fail") throw new Error("no greeting");
    return `${word} ${member.id}`;
  }
}

@Resolver()
class FilterResolver {
  // An input type: type-graphql converts it to its class; this class keeps type-graphql's resolvers.
  @Query(() => Int)
  countMatching(@Arg("filter", () => Filter) filter: Filter): number {
    seen.push({ filter, isFilter: filter instanceof Filter });
    return filter.tier === Tier.GOLD ? 1 : 0;
  }
}

const agent: Identity = { role: "agent", subject: "a1" };
const partner: Identity = { role: "partner", subject: "p1" };
const OPERATIONS: [string, Identity | null][] = [
  [`{ members(ids: ["m1", "m2", "m3"]) { id displayName email tier points greeting } }`, agent],
  [`{ members(ids: ["m1"], tier: GOLD, first: 5) { id displayName points greeting(word: "hi") } }`, agent],
  [`{ members(ids: ["m1", "m2"], first: 11) { id } }`, agent],
  [`{ members(ids: ["m1", "m2"]) { id greeting(word: "fail") } }`, agent],
  [`{ members(ids: ["m1"]) { id } }`, partner],
  [`{ members(ids: ["m1"]) { id } }`, null],
  [`{ countMatching(filter: { tier: GOLD }) }`, agent],
];

describe("type-graphql's resolvers, called lean", () => {
  const run = async (schema: GraphQLSchema) => {
    seen.length = 0;
    const answers = [];
    for (const [query, identity] of OPERATIONS) answers.push(await execute({ schema, document: parse(query), contextValue: { identity } }));
    return { answers: JSON.parse(JSON.stringify(answers)) as unknown, seen: JSON.parse(JSON.stringify(seen)) as unknown };
  };

  it("answers, refuses and fails as type-graphql's own resolvers do, with the same arguments", async () => {
    const lean = await buildFederatedSchema({ resolvers: [MemberResolver, FilterResolver] });
    const stock = await buildFederatedSchema({ resolvers: [MemberResolver, FilterResolver] }, {}, { typeGraphqlResolvers: true });
    const [a, b] = [await run(lean.schema), await run(stock.schema)];
    expect(a).toEqual(b);
    // The operations did what they are for: answers, a resolver's error, FORBIDDEN and UNAUTHENTICATED.
    expect(JSON.stringify(a.answers)).toContain('"greeting":"hi m1"');
    for (const code of ["FORBIDDEN", "UNAUTHENTICATED"]) expect(JSON.stringify(a.answers)).toContain(code);
    expect(JSON.stringify(a.answers)).toContain("no greeting");
    expect(a.seen).toContainEqual(expect.objectContaining({ isMember: true, role: "agent", field: "points" }));
    expect(a.seen).toContainEqual({ filter: { tier: "GOLD" }, isFilter: true });
    expect(lean.sdl).toBe(stock.sdl);
  });

  it("replaces type-graphql's wrappers where it can, and keeps them where it cannot", async () => {
    const { schema } = await buildFederatedSchema({ resolvers: [MemberResolver, FilterResolver] });
    const stock = (await buildFederatedSchema({ resolvers: [MemberResolver, FilterResolver] }, {}, { typeGraphqlResolvers: true })).schema;
    const member = schema.getType("LeanMember") as import("graphql").GraphQLObjectType;
    const stockMember = stock.getType("LeanMember") as import("graphql").GraphQLObjectType;
    // A plain field reads its property, under its own name.
    expect(member.getFields().displayName.resolve!({ name: "N" }, {}, {}, {} as GraphQLResolveInfo)).toBe("N");
    expect(member.getFields().displayName.resolve!.toString()).not.toBe(stockMember.getFields().displayName.resolve!.toString());
    // A method taking arguments runs at once rather than after type-graphql's validation promises.
    const members = (s: GraphQLSchema) => s.getQueryType()!.getFields().members.resolve!(undefined, { ids: ["m1"], tier: null, first: 1 }, { identity: agent }, {} as GraphQLResolveInfo);
    expect(members(stock)).toBeInstanceOf(Promise);
    expect(members(schema)).toEqual([{ id: "m1", name: "Member m1", email: "m1@example.com", tier: "BRONZE", points: 0 }]);
    // A class with a method it cannot call lean keeps type-graphql's resolvers, every one of them.
    const count = (s: GraphQLSchema) => s.getQueryType()!.getFields().countMatching.resolve!(undefined, { filter: { tier: "GOLD" } }, { identity: agent }, {} as GraphQLResolveInfo);
    expect(count(stock)).toBeInstanceOf(Promise);
    expect(count(schema)).toBeInstanceOf(Promise);
  });
});
