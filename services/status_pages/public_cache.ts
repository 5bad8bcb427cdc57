/**
 * The in-process cache in front of public status pages: a traffic spike on a
 * page costs one load per TTL, not one per view. A change made in this process
 * clears this process's caches as it commits (`invalidatePublicPages`); every
 * process also LISTENs on `opsdeck_status_pages`, which triggers on pages,
 * components, incidents and their updates notify at commit
 * (db/migrations/00085_status_page_change_notify.sql), so other replicas, a
 * rule opening an incident inside an alert's transaction, and plain SQL are
 * seen at once too. Notifications sent while the listener was disconnected are
 * lost, so each (re)connection clears everything (docs/status-pages.md).
 */
import type { Sql } from "../../db/client.ts";

export const STATUS_PAGES_CHANNEL = "opsdeck_status_pages";

type Listener = () => void;
const listeners = new Set<Listener>();

/** Drops every cached public view in this process (called after a committed change). */
export function invalidatePublicPages(): void {
  for (const l of listeners) l();
}

export interface CacheOptions {
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

/**
 * Values (or "absent" as null, so unknown slugs and hosts are cheap too) by key.
 * Concurrent misses of one key share one load.
 */
export class PublicCache<V> {
  #entries = new Map<string, { at: number; value: Promise<V | null> }>();
  #opts: CacheOptions;
  #now: () => number;
  /** Loads run (misses), for the benchmark and tests. */
  loads = 0;

  constructor(opts: CacheOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? (() => performance.now());
  }

  get(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit && now - hit.at < this.#opts.ttlMs) return hit.value;
    if (this.#entries.size >= this.#opts.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.loads++;
    const value = load();
    this.#entries.delete(key);
    this.#entries.set(key, { at: now, value });
    // a failed load is not remembered
    value.catch(() => this.#entries.get(key)?.value === value && this.#entries.delete(key));
    return value;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** One app's public caches: rendered views by slug, and the custom-domain → slug map. */
export interface PublicPageCaches<V = unknown> {
  pages: PublicCache<V>;
  domains: PublicCache<Map<string, string>>;
  /** Drops what shows `slug`, or everything when `slug` is empty. */
  drop(slug: string): void;
}

/**
 * `localSignal: false` leaves the caches out of this process's `invalidatePublicPages`, so only the database's
 * notification reaches them: what another process's caches are (tests/status_pages/replicas_test.ts).
 */
export function createPublicPageCaches<V = unknown>(
  { ttlMs, maxEntries = 2_000, localSignal = true }: { ttlMs: number; maxEntries?: number; localSignal?: boolean },
): PublicPageCaches<V> {
  const pages = new PublicCache<V>({ ttlMs, maxEntries });
  const domains = new PublicCache<Map<string, string>>({ ttlMs, maxEntries: 1 });
  const caches: PublicPageCaches<V> = {
    pages,
    domains,
    drop(slug) {
      if (slug) return pages.delete(slug);
      pages.clear();
      domains.clear();
    },
  };
  if (localSignal) listeners.add(() => caches.drop(""));
  return caches;
}

/** Drops cached views whenever a page's content changes anywhere; resolves once listening, to the unlisten function. */
export async function listenForStatusPageChanges(sql: Sql, caches: PublicPageCaches): Promise<() => Promise<void>> {
  const { unlisten } = await sql.listen(STATUS_PAGES_CHANNEL, (slug) => caches.drop(slug), () => caches.drop(""));
  return unlisten;
}
