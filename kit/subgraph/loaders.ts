import DataLoader from "dataloader";

/**
 * DataLoader helpers. Loaders are made per request in each subgraph's
 * context factory, never at module scope: a loader caches, and a cache
 * shared between requests would leak one user's data to another and serve
 * stale rows.
 */

/** One value per key: batch fetch returns a Map, misses become null. */
export function byKey<K, V>(fetch: (keys: readonly K[]) => Promise<Map<K, V>>): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const found = await fetch(keys);
    return keys.map((k) => found.get(k) ?? null);
  });
}

/** Many values per key (a child list): misses become an empty list. */
export function listByKey<K, V>(fetch: (keys: readonly K[]) => Promise<Map<K, V[]>>): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const found = await fetch(keys);
    return keys.map((k) => found.get(k) ?? []);
  });
}

/**
 * Loaders for a list field with arguments (`bookings(status, first)`): one
 * loader per distinct argument set, all customers of the request batched in
 * it.
 */
export function perArguments<A, K, V>(make: (args: A) => DataLoader<K, V>): (args: A) => DataLoader<K, V> {
  const loaders = new Map<string, DataLoader<K, V>>();
  return (args) => {
    const id = JSON.stringify(args);
    let loader = loaders.get(id);
    if (!loader) {
      loader = make(args);
      loaders.set(id, loader);
    }
    return loader;
  };
}

/** Group rows by a key, keeping row order. */
export function groupBy<K, R>(rows: readonly R[], keyOf: (row: R) => K): Map<K, R[]> {
  const out = new Map<K, R[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

export function indexBy<K, R>(rows: readonly R[], keyOf: (row: R) => K): Map<K, R> {
  return new Map(rows.map((r) => [keyOf(r), r]));
}
