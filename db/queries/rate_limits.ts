/** The API rate limit's shared counters (db/migrations/00111_shared_pace_and_rate_limits.sql). */
import type { Sql } from "../client.ts";

/**
 * Adds one process's counts for a window and returns every replica's totals
 * for those keys. Keys are written in sorted order, so two processes adding
 * the same keys never deadlock. Rows of earlier windows are deleted when a
 * window is first written (`purge`).
 */
export async function addRateCounts(
  sql: Sql,
  windowStart: Date,
  counts: [string, number][],
  purge: boolean,
): Promise<Map<string, number>> {
  if (purge) await sql`DELETE FROM api_rate_counts WHERE window_start < ${windowStart}`;
  if (counts.length === 0) return new Map();
  const sorted = [...counts].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  const rows = await sql<{ key: string; count: number }[]>`
    INSERT INTO api_rate_counts (window_start, key, count)
    SELECT ${windowStart}, k, n FROM unnest(${sorted.map(([k]) => k)}::text[], ${sorted.map(([, n]) => n)}::int[])
      AS v(k, n)
    ON CONFLICT (window_start, key) DO UPDATE SET count = api_rate_counts.count + excluded.count
    RETURNING key, count`;
  return new Map(rows.map((r) => [r.key, r.count]));
}
