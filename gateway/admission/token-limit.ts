import { MaxTokensParserWLexer } from "@escape.tech/graphql-armor-max-tokens";
import type { RequestInfo } from "../../kit/http";
import type { AdmissionStep } from "./step";

/**
 * The token limit, counted on the raw document before Apollo parses it,
 * with GraphQL Armor's counting lexer: a huge document costs only the tokens
 * up to the limit. Counted here rather than in Apollo's parsing hook, where
 * a refusal would come back as a 500. Other syntax errors are left to
 * Apollo to word.
 */
export function tokenLimit(max: number): AdmissionStep {
  return ({ info }) => {
    const document = documentOf(info);
    if (document === null) return undefined;
    let overLimit = false;
    try {
      new MaxTokensParserWLexer(document, { n: max, exposeLimits: true, onReject: [() => (overLimit = true)] }).parseDocument();
    } catch {
      // Thrown either way: our refusal below, or a syntax error for Apollo.
    }
    if (!overLimit) return undefined;
    return { status: 400, code: "MAX_TOKENS_EXCEEDED", message: `the document is too long: it has more than ${max} tokens (names, values and punctuation), the most this gateway accepts` };
  };
}

/** The GraphQL document of a request, POST or GET, if it sent one. */
function documentOf(info: RequestInfo): string | null {
  const body = info.body as { query?: unknown } | undefined;
  if (body && typeof body === "object" && typeof body.query === "string") return body.query;
  return info.url.searchParams.get("query");
}
