import { GraphQLError } from "graphql";
import { UnavailableError } from "../errors";

/**
 * A unit reading the customer graph, as any client does, through the
 * gateway. Why a unit needs it: Federation resolves a mutation's root field
 * before anything else, so a write can't `@requires` other units' data. A
 * write that depends on them (is this customer known to billing? is this
 * offer in `Customer.offers`, which needs retail's tier and bookings' stay
 * count?) asks the graph right before writing. The answer comes from the
 * same resolvers every channel uses, read live: no second set of rules, no
 * copy.
 */
export interface GraphReader {
  /** `as`: the request being served; the graph is read with its caller's own credential and rights. */
  read<T>(query: string, variables: Record<string, unknown>, as: { requestId: string; authorization?: string }): Promise<T>;
}

export function graphReader(url: string, timeoutMs: number): GraphReader {
  return {
    async read<T>(query: string, variables: Record<string, unknown>, as: { requestId: string; authorization?: string }): Promise<T> {
      let body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", "x-request-id": as.requestId, ...(as.authorization ? { authorization: as.authorization } : {}) },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        body = (await res.json()) as typeof body;
      } catch {
        throw new UnavailableError("the customer graph could not be read to check this write; nothing was written");
      }
      const first = body.errors?.[0];
      if (first || !body.data) {
        // Pass the cause on (which unit, which code) so the client sees why.
        throw new GraphQLError(`could not check this write against the customer graph: ${first?.message ?? "no data"}; nothing was written`, {
          extensions: { code: String(first?.extensions?.code ?? "UNAVAILABLE"), ...(first?.extensions?.unit ? { cause: first.extensions.unit } : {}) },
        });
      }
      return body.data;
    },
  };
}
