import { MaxTokensParserWLexer } from "@escape.tech/graphql-armor-max-tokens";
import type { RequestInfo } from "../../kit/http";
import type { AdmissionStep } from "./step";

/**
 * The token limit, counted on the raw document before Apollo parses it,
 * with GraphQL Armor's counting lexer: a huge document costs only the tokens
 * up to the limit. Counted here rather than in Apollo's parsing hook, where
 * a refusal would come back as a 500. Other syntax errors are left to
 * Apollo to word.
 *
 * The count depends on the text alone, so a document that passed is
 * remembered (by its text, bounded in count and characters) and not counted
 * again: the same few documents arrive again and again, and counting one
 * took 2 to 3 % of the gateway's CPU under the bench's crowd (V8 profile,
 * cases a, b, f), as much as Apollo's own parse that its document cache
 * saves. A new document is always counted; a refused one is never kept.
 */
export function tokenLimit(max: number): AdmissionStep {
  const passed = new PassedDocuments();
  return ({ info }) => {
    const document = documentOf(info);
    if (document === null || passed.has(document)) return undefined;
    let overLimit = false;
    try {
      new MaxTokensParserWLexer(document, { n: max, exposeLimits: true, onReject: [() => (overLimit = true)] }).parseDocument();
    } catch {
      // Thrown either way: our refusal below, or a syntax error for Apollo.
    }
    if (!overLimit) {
      passed.add(document);
      return undefined;
    }
    return { status: 400, code: "MAX_TOKENS_EXCEEDED", message: `the document is too long: it has more than ${max} tokens (names, values and punctuation), the most this gateway accepts` };
  };
}

/** Most documents remembered, and most characters they may hold together; the oldest go first. */
const MOST_DOCUMENTS = 1000;
const MOST_CHARS = 4 * 1024 * 1024;

/** The texts of documents within the limit, oldest first (a Map keeps insertion order). */
export class PassedDocuments {
  private readonly texts = new Map<string, number>();
  private chars = 0;

  constructor(
    private readonly mostDocuments = MOST_DOCUMENTS,
    private readonly mostChars = MOST_CHARS,
  ) {}

  has(text: string): boolean {
    return this.texts.has(text);
  }

  add(text: string): void {
    if (text.length > this.mostChars || this.texts.has(text)) return;
    this.texts.set(text, text.length);
    this.chars += text.length;
    for (const [oldest, length] of this.texts) {
      if (this.texts.size <= this.mostDocuments && this.chars <= this.mostChars) break;
      this.texts.delete(oldest);
      this.chars -= length;
    }
  }

  get size(): number {
    return this.texts.size;
  }
}

/** The GraphQL document of a request, POST or GET, if it sent one. */
function documentOf(info: RequestInfo): string | null {
  const body = info.body as { query?: unknown } | undefined;
  if (body && typeof body === "object" && typeof body.query === "string") return body.query;
  return info.url.searchParams.get("query");
}
