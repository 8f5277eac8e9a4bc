import { InMemoryLRUCache, type KeyValueCache, type KeyValueCacheSetOptions } from "@apollo/utils.keyvaluecache";
import type { SharedState } from "./redis";

/**
 * How long a registered persisted query is kept in Redis, in seconds. A
 * client whose hash has expired gets PERSISTED_QUERY_NOT_FOUND and sends the
 * document again (the APQ protocol), so a day costs at most one round trip
 * per operation per day, and keeps the store from growing for ever.
 */
export const APQ_TTL_SECONDS = 24 * 3600;

/**
 * Apollo Server's store of automatic persisted queries (its `persistedQueries.cache`,
 * a KeyValueCache it hands keys already prefixed `apq:`), shared by every
 * replica through Redis: a hash registered on one replica is served by the
 * next. Entries are content-addressed (Apollo checks the hash against the
 * document before storing), so a copy can never be stale, and each replica
 * keeps the ones it has used in its own LRU: a hot hash costs Redis nothing.
 *
 * Redis failing never fails a request: a lookup that Redis cannot answer is
 * a miss (the client then sends the document, as APQ provides for), a store
 * that fails keeps the entry in this replica only, and both are counted.
 */
export class SharedApqCache implements KeyValueCache<string> {
  constructor(
    private readonly shared: SharedState,
    private readonly local: KeyValueCache<string> = new InMemoryLRUCache<string>(),
  ) {}

  async get(key: string): Promise<string | undefined> {
    const here = await this.local.get(key);
    if (here !== undefined || !this.shared.up()) return here;
    try {
      const stored = await this.shared.client.get(this.shared.prefix + key);
      if (stored === null) return undefined;
      await this.local.set(key, stored);
      return stored;
    } catch (err) {
      this.shared.failed("apq", err);
      return undefined;
    }
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    await this.local.set(key, value, options);
    const ttl = options?.ttl ?? APQ_TTL_SECONDS;
    try {
      await this.shared.client.set(this.shared.prefix + key, value, "EX", ttl);
    } catch (err) {
      this.shared.failed("apq", err);
    }
  }

  async delete(key: string): Promise<void> {
    await this.local.delete(key);
    try {
      await this.shared.client.del(this.shared.prefix + key);
    } catch (err) {
      this.shared.failed("apq", err);
    }
  }
}
