import type { ServerResponse } from "node:http";
import type { GraphQLFormattedError } from "graphql";

/*
 * Incremental delivery over HTTP (`@defer`), in the multipart format
 * Apollo Client consumes (`accept: multipart/mixed; deferSpec=20220824`):
 * the primary answer first with `hasNext: true`, then one part per
 * completed deferred fragment (`incremental: [{ data, path, label }]`),
 * the last with `hasNext: false`. Apollo Server answers the primary part
 * through its normal pipeline; the executor adds the later parts here as
 * they start, and the HTTP layer writes them as they complete.
 */

export interface IncrementalItem {
  data: Record<string, unknown> | null;
  path: (string | number)[];
  label?: string;
  errors?: readonly GraphQLFormattedError[];
}

const PART_HEAD = "\r\ncontent-type: application/json; charset=utf-8\r\n\r\n";
export const DEFER_CONTENT_TYPE = 'multipart/mixed; boundary="-"; deferSpec=20220824';

/** Whether a request's Accept header takes incremental delivery of `@defer`. */
export function acceptsIncremental(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((range) => {
    const [type, ...params] = range.split(";").map((p) => p.trim().toLowerCase());
    return type === "multipart/mixed" && params.some((p) => p.replace(/\s/g, "") === "deferspec=20220824");
  });
}

/** The later parts of one response: added while the primary part runs, written as they complete. */
export class IncrementalResponse {
  private readonly started: { path: readonly string[]; emitted: Promise<void> }[] = [];
  private readonly ready: IncrementalItem[][] = [];
  private outstanding = 0;
  private wake: (() => void) | null = null;

  get used(): boolean {
    return this.started.length > 0;
  }

  /**
   * A deferred part under way at `path` (response names). It is written
   * after every earlier part at or above its place: the object it lands in
   * must reach the client first.
   */
  add(path: readonly string[], items: Promise<IncrementalItem[]>): void {
    this.outstanding += 1;
    const before = this.started.filter((p) => p.path.length <= path.length && p.path.every((name, i) => path[i] === name)).map((p) => p.emitted);
    const emitted = Promise.all(before)
      .then(() => items)
      .catch((err: unknown) => [{ data: null, path: [...path], errors: [{ message: `a deferred part failed: ${(err as Error).message}`, extensions: { code: "INTERNAL_SERVER_ERROR" } }] }])
      .then((done) => {
        this.ready.push(done);
        this.outstanding -= 1;
        this.wake?.();
      });
    this.started.push({ path, emitted });
  }

  /** Writes the whole multipart answer: `primary` (Apollo Server's JSON) first, then each part as it completes. */
  async write(res: ServerResponse, primary: string): Promise<void> {
    res.setHeader("content-type", DEFER_CONTENT_TYPE);
    res.removeHeader("content-length");
    const first = JSON.parse(primary) as Record<string, unknown>;
    res.write(`\r\n---${PART_HEAD}${JSON.stringify({ ...first, hasNext: true })}\r\n---`);
    while (this.outstanding > 0 || this.ready.length > 0) {
      if (this.ready.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
      const items = this.ready.splice(0).flat();
      const hasNext = this.outstanding > 0;
      if (items.length === 0 && hasNext) continue;
      if (res.destroyed) return;
      const part = items.length > 0 ? { incremental: items, hasNext } : { hasNext };
      res.write(`${PART_HEAD}${JSON.stringify(part)}\r\n---${hasNext ? "" : "--\r\n"}`);
    }
    res.end();
  }
}
