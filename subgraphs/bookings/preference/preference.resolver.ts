import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { BadUserInputError, NotFoundError, requireChannel } from "../../../kit/subgraph";
import type { BookingsContext } from "../unit";
import { StayPreference } from "./preference.type";

export const PREFERENCE_MAX_LENGTH = 200;
const EXISTS = `query PreferenceCheck($id: ID!) { customer(id: $id) { id } }`;

@Resolver(() => StayPreference)
export class PreferenceResolver {
  @Mutation(() => StayPreference, {
    nullable: true,
    description: `Remember a stay preference (e.g. "high floor") for every future stay, seen by every channel at once. Setting the same text again returns the first record. Needs an x-channel header. Owned by bookings.`,
  })
  async setStayPreference(@Arg("customerId", () => ID) customerId: string, @Arg("preference", { description: `What to remember, 1 to ${PREFERENCE_MAX_LENGTH} characters.` }) preference: string, @Ctx() ctx: BookingsContext): Promise<StayPreference> {
    const channel = requireChannel(ctx);
    const text = normalise(preference);
    const view = await ctx.graph.read<{ customer: { id: string } | null }>(EXISTS, { id: customerId }, ctx);
    if (!view.customer) throw new NotFoundError(`unknown customer ${customerId}`);
    return ctx.repos.preferences.remember(customerId, text, channel, Date.now());
  }
}

/** One line of plain text: trimmed, inner whitespace collapsed, no control characters. */
export function normalise(preference: string): string {
  const text = preference.replace(/\s+/g, " ").trim();
  if (text.length === 0) throw new BadUserInputError("preference must not be empty", "preference");
  if (text.length > PREFERENCE_MAX_LENGTH) throw new BadUserInputError(`preference is ${text.length} characters; at most ${PREFERENCE_MAX_LENGTH}`, "preference");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new BadUserInputError("preference must be plain text", "preference");
  return text;
}
