import type { Sql } from "../client.ts";

/** Failure times (epoch ms, oldest first) after `since`, per key that has any. */
export async function recentFailures(sql: Sql, keys: string[], since: Date): Promise<Map<string, number[]>> {
  const rows = await sql<{ key: string; failures: number[] }[]>`
    SELECT key, ARRAY(SELECT (extract(epoch FROM f) * 1000)::float8 FROM unnest(failures) f
                      WHERE f > ${since} ORDER BY f) AS failures
    FROM login_throttles
    WHERE key IN ${sql(keys)}`;
  return new Map(rows.map((r) => [r.key, r.failures.map(Number)]));
}

/** Adds a failure at `at`, keeping only the newest `keep` failures after `since`. */
export async function recordFailure(sql: Sql, key: string, at: Date, since: Date, keep: number): Promise<void> {
  await sql`
    INSERT INTO login_throttles (key, failures, last_failed_at)
    VALUES (${key}, ARRAY[${at}::timestamptz], ${at})
    ON CONFLICT (key) DO UPDATE SET
      last_failed_at = greatest(login_throttles.last_failed_at, EXCLUDED.last_failed_at),
      failures = ARRAY(SELECT f FROM unnest(login_throttles.failures || EXCLUDED.failures) f
                       WHERE f > ${since} ORDER BY f DESC LIMIT ${keep})`;
}

export async function forgetFailures(sql: Sql, keys: string[]): Promise<void> {
  await sql`DELETE FROM login_throttles WHERE key IN ${sql(keys)}`;
}

/** Deletes up to `limit` rows with no failure since `before`; returns how many. */
export async function purgeIdleThrottles(sql: Sql, before: Date, limit: number): Promise<number> {
  const rows = await sql`
    DELETE FROM login_throttles
    WHERE key IN (SELECT key FROM login_throttles WHERE last_failed_at < ${before} LIMIT ${limit})
    RETURNING 1`;
  return rows.length;
}
