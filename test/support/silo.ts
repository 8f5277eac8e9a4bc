import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh directory for SQLite silos, removed by `cleanup()`. */
export function tempSiloDir(prefix = "cg-test-"): { dir: string; url(unit: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    url: (unit) => `sqlite:${join(dir, `${unit}.sqlite`)}`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Counts the SQL statements a knex pool runs (its `query` event). */
export function countStatements(
  db: { on(event: "query", fn: (query: { sql?: string }) => void): unknown; off(event: "query", fn: (query: { sql?: string }) => void): unknown },
  except?: RegExp,
): { readonly count: number; reset(): void; stop(): void } {
  let count = 0;
  const listener = (query: { sql?: string }) => {
    if (!except || !except.test(query.sql ?? "")) count += 1;
  };
  db.on("query", listener);
  return {
    get count() {
      return count;
    },
    reset: () => {
      count = 0;
    },
    stop: () => db.off("query", listener),
  };
}
