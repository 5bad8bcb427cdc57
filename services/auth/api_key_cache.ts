/**
 * API keys verified in the last few seconds, so an authenticated request does
 * not spend a round trip (and a SHA-256 through WebCrypto) on its key. Entries
 * live `ttlMs` at most; anything that changes what a key's principal is made
 * of clears every process's cache at once: triggers NOTIFY
 * `opsdeck_auth_changed` (db/migrations/00030_auth_change_notify.sql) and
 * `listenForAuthChanges` clears on each notification and on each
 * (re)connection of the listener, since notifications sent while it was
 * disconnected are lost. A key's expiry is checked on every hit.
 */
import { createHash } from "node:crypto";
import type { Sql } from "../../db/client.ts";
import type { ApiKeyRow } from "../../db/queries/auth.ts";

export const AUTH_CHANGED_CHANNEL = "opsdeck_auth_changed";

export interface ApiKeyCache {
  get(key: string, now: Date): ApiKeyRow | undefined;
  set(key: string, row: ApiKeyRow, now: Date): void;
  clear(): void;
}

/** `ttlMs` 0 caches nothing (every request looks its key up). At most `maxEntries` keys are held. */
export function createApiKeyCache({ ttlMs = 10_000, maxEntries = 10_000 } = {}): ApiKeyCache {
  const entries = new Map<string, { row: ApiKeyRow; until: number }>();
  // Keys are held by their hash, never in clear, in case the heap is ever dumped.
  const id = (key: string) => createHash("sha256").update(key).digest("base64");
  return {
    get(key, now) {
      if (ttlMs === 0 || entries.size === 0) return undefined;
      const entry = entries.get(id(key));
      if (!entry) return undefined;
      const t = now.getTime();
      if (entry.until <= t || (entry.row.expires_at && entry.row.expires_at.getTime() <= t)) {
        entries.delete(id(key));
        return undefined;
      }
      return entry.row;
    },
    set(key, row, now) {
      if (ttlMs === 0) return;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(id(key), { row, until: now.getTime() + ttlMs });
    },
    clear: () => entries.clear(),
  };
}

/** Clears `cache` whenever the auth tables change anywhere; resolves once listening, to the unlisten function. */
export async function listenForAuthChanges(sql: Sql, cache: ApiKeyCache): Promise<() => Promise<void>> {
  const { unlisten } = await sql.listen(AUTH_CHANGED_CHANNEL, () => cache.clear(), () => cache.clear());
  return unlisten;
}
