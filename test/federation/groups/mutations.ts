import { GraphQLError } from "graphql";
import { type ConformanceGroup, type SubgraphFixture, gql, link } from "../harness/fixture";

/*
 * Mutations: root fields run one after another, in the operation's order,
 * even when consecutive fields live in different subgraphs (here deposits
 * and fees, two services over one ledger: the test's state, made afresh for
 * each gateway). A field shared by two subgraphs (@shareable) runs once. A
 * mutation's result may need another subgraph (an entity fetch after it).
 */

interface Ledger {
  balances: Map<string, number>;
  opened: Set<string>;
}

function openAccount(ledger: Ledger, id: string) {
  if (ledger.opened.has(id)) throw new GraphQLError(`account ${id} is already open`, { extensions: { code: "CONFLICT" } });
  ledger.opened.add(id);
  ledger.balances.set(id, 0);
  return { id };
}

export const mutations: ConformanceGroup = {
  name: "mutations",
  subgraphs: (): SubgraphFixture[] => {
    const ledger: Ledger = { balances: new Map(), opened: new Set() };
    const balance = (id: string) => ledger.balances.get(id) ?? 0;
    return [
      {
        name: "deposits",
        typeDefs: gql`
          ${link(["@key", "@shareable"])}
          type Query {
            balance(account: ID!): Int!
          }
          type Mutation {
            deposit(account: ID!, amount: Int!): Int!
            openAccount(id: ID!): Account @shareable
          }
          type Account @key(fields: "id") {
            id: ID!
            balance: Int!
          }
        `,
        resolvers: {
          Query: { balance: (_: unknown, args: { account: string }) => balance(args.account) },
          Mutation: {
            deposit: (_: unknown, args: { account: string; amount: number }) => {
              ledger.balances.set(args.account, balance(args.account) + args.amount);
              return balance(args.account);
            },
            openAccount: (_: unknown, args: { id: string }) => openAccount(ledger, args.id),
          },
          Account: { balance: (a: { id: string }) => balance(a.id) },
        },
      },
      {
        name: "fees",
        typeDefs: gql`
          ${link(["@key", "@shareable"])}
          type Mutation {
            chargeFee(account: ID!, percent: Int!): Int!
            openAccount(id: ID!): Account @shareable
          }
          type Account @key(fields: "id") {
            id: ID!
            feeRate: Int!
          }
        `,
        resolvers: {
          Mutation: {
            chargeFee: (_: unknown, args: { account: string; percent: number }) => {
              ledger.balances.set(args.account, balance(args.account) - (balance(args.account) * args.percent) / 100);
              return balance(args.account);
            },
            openAccount: (_: unknown, args: { id: string }) => openAccount(ledger, args.id),
          },
          // The fee rate falls as the balance grows: read when asked, so it shows when the entity fetch ran.
          Account: { feeRate: (a: { id: string }) => (balance(a.id) >= 100 ? 1 : 2) },
        },
      },
    ];
  },
  cases: [
    {
      id: "in-order-across-subgraphs",
      behaviour: "mutations: in order",
      query: gql`
        mutation {
          first: deposit(account: "x", amount: 100)
          second: chargeFee(account: "x", percent: 10)
          third: deposit(account: "x", amount: 10)
          fourth: chargeFee(account: "x", percent: 50)
          fifth: deposit(account: "x", amount: 5)
        }
      `,
      expected: { data: { first: 100, second: 90, third: 100, fourth: 50, fifth: 55 } },
    },
    {
      id: "shareable-runs-once",
      behaviour: "mutations: in order",
      query: gql`
        mutation {
          first: openAccount(id: "y") {
            id
          }
          second: openAccount(id: "y") {
            id
          }
        }
      `,
      expected: {
        data: { first: { id: "y" }, second: null },
        errors: [{ message: "account y is already open", path: ["second"], code: "CONFLICT" }],
      },
    },
    {
      // feeRate is read by an entity fetch to fees: before the deposit that follows, the rate of an empty account.
      id: "entity-fetch-before-next-field",
      behaviour: "mutations: in order",
      query: gql`
        mutation {
          opened: openAccount(id: "z") {
            id
            balance
            feeRate
          }
          deposit(account: "z", amount: 150)
        }
      `,
      expected: { data: { opened: { id: "z", balance: 0, feeRate: 2 }, deposit: 150 } },
    },
    {
      id: "read-after-writes",
      behaviour: "mutations: in order",
      query: gql`
        {
          x: balance(account: "x")
          z: balance(account: "z")
        }
      `,
      expected: { data: { x: 55, z: 150 } },
    },
  ],
};
