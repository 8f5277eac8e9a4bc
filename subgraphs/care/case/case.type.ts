import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Channel } from "../../../kit/subgraph";

export enum CaseStatus {
  OPEN = "OPEN",
  RESOLVED = "RESOLVED",
}
registerEnumType(CaseStatus, { name: "CaseStatus", description: "Where a care case stands. Owned by care." });

export enum ContactDirection {
  INBOUND = "INBOUND",
  OUTBOUND = "OUTBOUND",
}
registerEnumType(ContactDirection, { name: "ContactDirection", description: "Who got in touch: the customer (INBOUND) or the company (OUTBOUND). Owned by care." });

@ObjectType({ description: "One contact on a care case: a complaint, a call back, a proposal, a resolution. Owned by care." })
export class CaseEntry {
  @Field({ description: "When it happened, ISO-8601 UTC." })
  at!: string;

  @Field(() => Channel, { description: "The channel it came through." })
  channel!: Channel;

  @Field(() => ContactDirection, { description: "INBOUND when the customer got in touch, OUTBOUND when the company did." })
  direction!: ContactDirection;

  @Field({ description: 'What kind of contact, in care\'s words: "complaint", "query", "proposal", "callback", "resolution"...' })
  kind!: string;

  @Field({ description: "What was said, as the agent wrote it." })
  summary!: string;

  @Field(() => String, { nullable: true, description: 'What came of it, as the agent wrote it ("declined: wants a refund"); null when nothing was noted.' })
  outcome!: string | null;

  id!: string;
  caseId!: string;
  customerId!: string;
}

@ObjectType({ description: "A care case: one issue the customer raised, with every contact about it. Owned by care." })
export class CareCase {
  @Field(() => ID, { description: "The case number people quote, e.g. CS-000042." })
  id!: string;

  @Field({ description: "When the case was opened, ISO-8601 UTC." })
  openedAt!: string;

  @Field(() => Channel, { description: "The channel the case was raised through." })
  channel!: Channel;

  @Field({ description: "What the case is about." })
  topic!: string;

  @Field(() => CaseStatus, { description: "OPEN until an agent resolves it." })
  status!: CaseStatus;

  @Field(() => String, { nullable: true, description: "When it was resolved, ISO-8601 UTC; null while open." })
  resolvedAt!: string | null;

  @Field(() => String, { nullable: true, description: "How it was resolved, as the agent wrote it; null while open." })
  resolution!: string | null;

  customerId!: string;
}
