import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { Access, Authorized, BadUserInputError, Channel, NotFoundError, requireChannel } from "../../../kit/subgraph";
import { CareCase, ContactDirection } from "../case/case.type";
import type { CareContext } from "../unit";

const EXISTS = `query CareContactCheck($id: ID!) { customer(id: $id) { id } }`;

/** One line or a note an agent types: trimmed, within bounds, no control characters but line breaks. */
export function plainText(value: string, argument: string, max: number): string {
  const text = value.trim();
  if (text.length === 0) throw new BadUserInputError(`${argument} must not be empty`, argument);
  if (text.length > max) throw new BadUserInputError(`${argument} is ${text.length} characters; at most ${max}`, argument);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text)) throw new BadUserInputError(`${argument} must be plain text`, argument);
  return text;
}

function idempotencyKeyOf(key: string | null | undefined): string | null {
  if (key == null) return null;
  if (key.length < 1 || key.length > 128) throw new BadUserInputError("idempotencyKey must be 1 to 128 characters", "idempotencyKey");
  return key;
}

const KEY_DOC = "Any unique string (e.g. a UUID) per intended write, at most 128 characters. A retry with it returns the first result; the same key with other arguments is refused.";

@Resolver(() => CareCase)
export class ContactResolver {
  @Authorized(Access.AGENT)
  @Mutation(() => CareCase, {
    nullable: true,
    description:
      "Log a contact with a customer (a complaint, a call back, a proposal and its outcome) on one of their open cases, or on a new case when caseId is not given. Exactly once per idempotency key. Agents only; needs an x-channel header. Owned by care.",
  })
  async logContact(
    @Arg("customerId", () => ID) customerId: string,
    @Arg("caseId", () => ID, { nullable: true, description: "An open case of this customer; omit to open a new case." }) caseId: string | null,
    @Arg("channel", () => Channel, { nullable: true, description: "Where the contact happened; the request's x-channel when omitted." }) channel: Channel | null,
    @Arg("direction", () => ContactDirection, { description: "INBOUND when the customer got in touch, OUTBOUND when the company did." }) direction: ContactDirection,
    @Arg("kind", { description: 'What kind of contact, e.g. "complaint", "query", "proposal", "callback" (at most 40 characters).' }) kind: string,
    @Arg("summary", { description: "What was said (at most 2000 characters)." }) summary: string,
    @Arg("outcome", () => String, { nullable: true, description: "What came of it, in the agent's words (at most 2000 characters)." }) outcome: string | null,
    @Arg("idempotencyKey", () => String, { nullable: true, description: KEY_DOC }) idempotencyKey: string | null,
    @Arg("topic", () => String, { nullable: true, description: "What a new case is about (at most 200 characters); the summary when omitted. Ignored with caseId." }) topic: string | null,
    @Ctx() ctx: CareContext,
  ): Promise<CareCase> {
    // Writes say where they come from; the contact itself may have happened elsewhere.
    const requested = requireChannel(ctx);
    const via = channel ?? requested;
    const text = plainText(summary, "summary", 2000);
    const contact = {
      customerId,
      caseId: caseId ?? null,
      topic: plainText(topic ?? text.split("\n")[0].slice(0, 200), "topic", 200),
      channel: via,
      writtenVia: requested,
      direction,
      kind: plainText(kind, "kind", 40).toLowerCase(),
      summary: text,
      outcome: outcome == null ? null : plainText(outcome, "outcome", 2000),
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
      at: Date.now(),
      timeZone: ctx.timeZone,
    };
    // A case belongs to a customer billing knows; an existing case says so already.
    if (contact.caseId === null) {
      const view = await ctx.graph.read<{ customer: { id: string } | null }>(EXISTS, { id: customerId }, ctx);
      if (!view.customer) throw new NotFoundError(`unknown customer ${customerId}`);
    }
    return ctx.repos.writer.logContact(contact);
  }

  @Authorized(Access.AGENT)
  @Mutation(() => CareCase, {
    nullable: true,
    description: "Resolve an open case, with how it was resolved (logged as the case's last contact). Exactly once per idempotency key. Agents only; needs an x-channel header. Owned by care.",
  })
  resolveCase(
    @Arg("caseId", () => ID) caseId: string,
    @Arg("resolution", { description: "How the case was resolved (at most 2000 characters)." }) resolution: string,
    @Arg("idempotencyKey", () => String, { nullable: true, description: KEY_DOC }) idempotencyKey: string | null,
    @Ctx() ctx: CareContext,
  ): Promise<CareCase> {
    const channel = requireChannel(ctx);
    return ctx.repos.writer.resolveCase({ caseId, resolution: plainText(resolution, "resolution", 2000), channel, idempotencyKey: idempotencyKeyOf(idempotencyKey), at: Date.now(), timeZone: ctx.timeZone });
  }
}
