/**
 * A server's `graphql_request_duration_seconds_count` samples, read from its
 * `/metrics` page: how many GraphQL requests it recorded, by their labels
 * (operation, outcome). Tests that send the same requests two ways compare
 * what each way added to them.
 */
export async function requestCounts(serverUrl: string | URL): Promise<Map<string, number>> {
  const text = await (await fetch(new URL("/metrics", serverUrl))).text();
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^graphql_request_duration_seconds_count(\{[^}]*\}) (\d+)/.exec(line);
    if (m) counts.set(m[1], Number(m[2]));
  }
  return counts;
}

/** What each label set gained between two readings; label sets matching `skip` are left out. */
export function countsAdded(after: Map<string, number>, before: Map<string, number>, skip?: RegExp): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [labels, n] of after) if (n !== (before.get(labels) ?? 0) && !skip?.test(labels)) out[labels] = n - (before.get(labels) ?? 0);
  return out;
}

/** Every request the server recorded, whatever its labels. */
export async function requestTotal(serverUrl: string | URL): Promise<number> {
  let total = 0;
  for (const n of (await requestCounts(serverUrl)).values()) total += n;
  return total;
}
