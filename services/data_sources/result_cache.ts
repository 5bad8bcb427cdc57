/**
 * Results of saved queries kept in this process for the query's
 * cache_ttl_seconds, per (query version, source version, parameter values,
 * row limit). In memory rather than in PostgreSQL: a hit must answer in well
 * under 10 ms, and replicas each keeping their own copy only means each runs
 * the query once per TTL. Bounded by bytes (least recently used dropped first);
 * results over 4 MiB are not kept.
 */
import type { RunResult } from "./run.ts";

export interface CachedResult extends RunResult {
  cachedAt: Date;
}

const MAX_TOTAL_BYTES = 64 * 1024 * 1024;
const MAX_ENTRY_BYTES = 4 * 1024 * 1024;

export interface ResultCache {
  get(key: string, now: Date): CachedResult | undefined;
  set(key: string, result: RunResult, ttlSeconds: number, now: Date): void;
  clear(): void;
}

export function createResultCache(maxBytes = MAX_TOTAL_BYTES): ResultCache {
  const entries = new Map<string, { result: CachedResult; expires: number }>();
  let bytes = 0;
  const drop = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    bytes -= entry.result.bytes;
    entries.delete(key);
  };
  return {
    get(key, now) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expires <= now.getTime()) return void drop(key);
      entries.delete(key);
      entries.set(key, entry);
      return entry.result;
    },
    set(key, result, ttlSeconds, now) {
      if (ttlSeconds <= 0 || result.bytes > MAX_ENTRY_BYTES) return;
      drop(key);
      while (bytes + result.bytes > maxBytes && entries.size > 0) drop(entries.keys().next().value!);
      entries.set(key, { result: { ...result, cachedAt: now }, expires: now.getTime() + ttlSeconds * 1000 });
      bytes += result.bytes;
    },
    clear() {
      entries.clear();
      bytes = 0;
    },
  };
}

/** The process's cache. */
export const resultCache = createResultCache();

/** The key: what the result depends on. Values are sorted by name, so {a,b} and {b,a} share an entry. */
export function cacheKey(
  q: {
    tenantId: string;
    /** A client user's client: the opsdeck kind answers them their client's rows only, so they never share an entry. */
    clientId: string | null;
    queryId: string;
    queryVersion: Date;
    sourceVersion: Date;
    limit?: number;
  },
  values: Record<string, unknown>,
): string {
  const sorted = Object.keys(values).sort().map((k) => [k, values[k]]);
  return [
    q.tenantId,
    q.clientId ?? "",
    q.queryId,
    q.queryVersion.toISOString(),
    q.sourceVersion.toISOString(),
    q.limit ?? "",
    JSON.stringify(sorted),
  ].join("|");
}
