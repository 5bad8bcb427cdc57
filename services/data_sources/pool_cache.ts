/**
 * Connection pools of SQL sources, one small pool per source and settings
 * version: a changed source gets a new pool and the old one is closed, and
 * the least recently used pool is closed when more than `maxPools` are open.
 * The drivers close idle connections themselves (idle timeouts in each kind).
 */
export interface PoolCache<P> {
  get(id: string, version: string, open: () => P): P;
  close(id?: string): Promise<void>;
}

export function createPoolCache<P>(end: (pool: P) => Promise<void>, maxPools = 32): PoolCache<P> {
  const pools = new Map<string, { version: string; pool: P }>();
  const drop = (id: string) => {
    const entry = pools.get(id);
    pools.delete(id);
    return entry ? end(entry.pool).catch(() => {}) : Promise.resolve();
  };
  return {
    get(id, version, open) {
      const entry = pools.get(id);
      if (entry && entry.version === version) {
        pools.delete(id);
        pools.set(id, entry);
        return entry.pool;
      }
      if (entry) drop(id);
      if (pools.size >= maxPools) drop(pools.keys().next().value!);
      const pool = open();
      pools.set(id, { version, pool });
      return pool;
    },
    async close(id) {
      await Promise.all(id ? [drop(id)] : [...pools.keys()].map(drop));
    },
  };
}
