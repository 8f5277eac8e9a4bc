import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { RequestInfo } from "../../kit/http";
import type { AdmissionStep } from "./step";

/**
 * An optional allow-list of persisted operations: a JSON manifest of
 * sha256 → document, as client build tools produce. When it is on, only
 * those documents run (sent whole or by hash with the APQ extension);
 * anything else is refused before it is parsed. When it is off, Apollo's
 * Automatic Persisted Queries work as usual.
 */
export class PersistedOperations {
  private readonly byHash: Map<string, string>;

  constructor(manifestPath: string) {
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, string>;
    this.byHash = new Map();
    for (const [hash, document] of Object.entries(manifest)) {
      if (sha256(document) !== hash.toLowerCase()) throw new Error(`persisted operations manifest: the hash ${hash} does not match its document`);
      this.byHash.set(hash.toLowerCase(), document);
    }
  }

  /**
   * The document a request may run, or an error message. A request by hash
   * alone gets its document filled in, so Apollo needs no APQ round trip.
   */
  admit(body: { query?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } }): { ok: true } | { ok: false; message: string } {
    const hash = body.extensions?.persistedQuery?.sha256Hash;
    if (typeof body.query === "string") {
      return this.byHash.has(sha256(body.query)) ? { ok: true } : { ok: false, message: "this operation is not on the gateway's allow-list of persisted operations" };
    }
    if (typeof hash === "string" && this.byHash.has(hash.toLowerCase())) {
      body.query = this.byHash.get(hash.toLowerCase());
      return { ok: true };
    }
    return { ok: false, message: "unknown persisted operation; only operations on the gateway's allow-list run here" };
  }
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The allow-list as an admission step, for POST bodies and GET parameters alike. */
export function persistedOperations(persisted: PersistedOperations): AdmissionStep {
  return ({ info }) => {
    const verdict = admit(persisted, info);
    return verdict.ok ? undefined : { status: 400, code: "PERSISTED_QUERY_NOT_ALLOWED", message: verdict.message };
  };
}

function admit(persisted: PersistedOperations, info: RequestInfo): { ok: true } | { ok: false; message: string } {
  if (info.body && typeof info.body === "object") return persisted.admit(info.body as Parameters<PersistedOperations["admit"]>[0]);
  const params = info.url.searchParams;
  let extensions: Parameters<PersistedOperations["admit"]>[0]["extensions"];
  try {
    extensions = params.has("extensions") ? JSON.parse(params.get("extensions")!) : undefined;
  } catch {
    return { ok: false, message: "the extensions parameter is not JSON" };
  }
  const request = { query: params.get("query") ?? undefined, extensions };
  const verdict = persisted.admit(request);
  // A GET by hash alone: the document goes where Apollo will read it.
  if (verdict.ok && request.query && !params.has("query")) params.set("query", request.query);
  return verdict;
}
