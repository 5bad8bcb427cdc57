/**
 * The in-process cache in front of public status pages: a traffic spike on a
 * page costs one load per TTL, not one per view. Each app builds its own
 * cache; every cache listens to one process-wide signal, so a change made in
 * this process (an incident, a page edit) is visible at the next view. Other
 * replicas see it within the TTL (docs/status-pages.md).
 */

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
    listeners.add(() => this.#entries.clear());
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
}
