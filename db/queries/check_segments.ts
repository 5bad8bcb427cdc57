/**
 * Packed result segments (db/migrations/00200): sealing a closed UTC day of
 * raw check_results into one row per check and hour, and merging results that
 * arrived for hours already sealed. services/checks/sealer.ts drives them.
 */
import { inTransaction, type Sql } from "../client.ts";

export interface SealState {
  sealedBefore: Date | null;
}

/** Where sealing stands: every result before `sealedBefore` is in segments (null: nothing sealed yet). */
export async function sealState(sql: Sql): Promise<SealState> {
  const [row] = await sql<{ sealed_before: string }[]>`
    SELECT sealed_before::text AS sealed_before FROM check_result_seal`;
  return { sealedBefore: row.sealed_before === "-infinity" ? null : new Date(row.sealed_before) };
}

/**
 * The UTC day of the oldest result at or after `from` (all results: null), from the hourly
 * roll-up's bucket index rather than a scan of the raw rows; null when there is none.
 */
export async function nextResultDay(sql: Sql, from: Date | null): Promise<Date | null> {
  const [{ day }] = await sql<{ day: Date | null }[]>`
    SELECT date_trunc('day', min(bucket), 'UTC') AS day FROM check_results_hourly
    WHERE bucket >= coalesce(${from}::timestamptz, '-infinity')`;
  return day;
}

/** Microseconds of `at` since `hour`, as stored in `offsets`. */
const offsetOf = (sql: Sql, at: string, hour: string) =>
  sql.unsafe(`(extract(epoch FROM ${at} - ${hour}) * 1000000)::int8`);

/** The one-byte status code stored in `statuses`. */
const statusChar = (sql: Sql, col: string) =>
  sql.unsafe(`(CASE ${col} WHEN 'up' THEN 'u' WHEN 'down' THEN 'd' ELSE 'g' END)::"char"`);

/** Checks packed per statement: each is one primary-key range scan, and a statement stays seconds long. */
const CHECKS_PER_STATEMENT = 50;

/**
 * Seals [from, to) (whole UTC days) under the advisory lock `lockKey`
 * (returns null when another process holds it). First announces the range
 * (sealing_before), which waits for batches in flight: from then on a batch
 * writing into that range queues its hours as late. Then packs the range's raw
 * rows, a few checks per statement (a day of 2,000 checks in one statement
 * outlasts the statement timeout, and a scan by time alone would read the
 * whole partition), and moves sealed_before past it in the same transaction,
 * so readers switch from the raw rows to the segments at once. Returns the
 * number of segments (check-hours) written, or null when the lock is taken or
 * `from` is not where sealing stands.
 */
export async function sealRange(sql: Sql, lockKey: bigint, from: Date, end: Date): Promise<number | null> {
  return await inTransaction(sql, async (tx) => {
    const [{ locked }] = await tx<{ locked: boolean }[]>`
      SELECT pg_try_advisory_xact_lock(${lockKey.toString()}::bigint) AS locked`;
    if (!locked) return null;
    // the first seal starts at the oldest result's day; later ones go on where the last ended
    const [seal] = await tx<{ ok: boolean }[]>`
      SELECT sealed_before = ${from} OR sealed_before = '-infinity' AS ok FROM check_result_seal`;
    if (!seal.ok) return null;
    await announce(sql, end);
    let segments = 0;
    let after: [string, string] = ["00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000"];
    for (;;) {
      const checks = await tx<{ tenant_id: string; id: string }[]>`
        SELECT tenant_id, id FROM health_checks WHERE (tenant_id, id) > (${after[0]}::uuid, ${after[1]}::uuid)
        ORDER BY tenant_id, id LIMIT ${CHECKS_PER_STATEMENT}`;
      if (checks.length === 0) break;
      after = [checks.at(-1)!.tenant_id, checks.at(-1)!.id];
      const packed = await tx`
        INSERT INTO check_result_segments (tenant_id, check_id, hour, offsets, statuses, latencies, status_codes, details)
        SELECT r.tenant_id, r.check_id, r.hour,
               array_agg(${offsetOf(tx, "r.checked_at", "r.hour")} ORDER BY r.checked_at),
               array_agg(${statusChar(tx, "r.status")} ORDER BY r.checked_at),
               array_agg(r.latency_ms ORDER BY r.checked_at), array_agg(r.status_code::int2 ORDER BY r.checked_at),
               CASE WHEN bool_or(r.detail IS NOT NULL) THEN array_agg(r.detail ORDER BY r.checked_at) END
        FROM unnest(${checks.map((c) => c.tenant_id)}::uuid[], ${checks.map((c) => c.id)}::uuid[]) AS k(tenant_id, id)
        CROSS JOIN LATERAL (
          SELECT c.*, date_trunc('hour', c.checked_at, 'UTC') AS hour FROM check_results c
          WHERE c.tenant_id = k.tenant_id AND c.check_id = k.id AND c.checked_at >= ${from} AND c.checked_at < ${end}
        ) r
        GROUP BY r.tenant_id, r.check_id, r.hour`;
      segments += packed.count;
    }
    // waits for batches that read the seal row before the announcement; they queued their late hours
    await tx`SELECT FROM check_result_seal FOR UPDATE`;
    await tx`UPDATE check_result_seal SET sealed_before = ${end}`;
    return segments;
  });
}

/** Moves sealing_before to `end` in its own committed transaction (it must be seen by batches before the pack starts). */
async function announce(sql: Sql, end: Date): Promise<void> {
  await sql`UPDATE check_result_seal SET sealing_before = ${end} WHERE sealing_before < ${end}`;
}

/**
 * Merges up to `limit` queued late hours into their segments, holding the
 * seal row so no batch writes meanwhile: each hour's segment becomes the
 * union of its entries and the raw rows of that hour, one entry per instant
 * (the segment's entry wins). Returns the number of hours merged.
 */
export async function mergeLateHours(sql: Sql, lockKey: bigint, limit: number): Promise<number> {
  return await inTransaction(sql, async (tx) => {
    const [{ locked }] = await tx<{ locked: boolean }[]>`
      SELECT pg_try_advisory_xact_lock(${lockKey.toString()}::bigint) AS locked`;
    if (!locked) return 0;
    await tx`SELECT FROM check_result_seal FOR UPDATE`;
    const merged = await tx`
      WITH q AS (
        DELETE FROM check_result_late l
        WHERE (l.tenant_id, l.check_id, l.hour) IN (
          SELECT tenant_id, check_id, hour FROM check_result_late
          WHERE hour < (SELECT sealed_before FROM check_result_seal)
          ORDER BY hour LIMIT ${limit})
        RETURNING l.tenant_id, l.check_id, l.hour
      ),
      entries AS (
        SELECT s.tenant_id, s.check_id, s.hour, u.off, u.st, u.lat, u.code, u.detail, 0 AS source
        FROM q JOIN check_result_segments s USING (tenant_id, check_id, hour)
        CROSS JOIN LATERAL unnest(s.offsets, s.statuses, s.latencies, s.status_codes, s.details)
          AS u(off, st, lat, code, detail)
        UNION ALL
        SELECT q.tenant_id, q.check_id, q.hour, ${offsetOf(tx, "c.checked_at", "q.hour")},
               ${statusChar(tx, "c.status")}, c.latency_ms, c.status_code::int2, c.detail, 1
        FROM q JOIN check_results c ON c.tenant_id = q.tenant_id AND c.check_id = q.check_id
          AND c.checked_at >= q.hour AND c.checked_at < q.hour + interval '1 hour'
      ),
      one AS (
        SELECT DISTINCT ON (tenant_id, check_id, hour, off) *
        FROM entries ORDER BY tenant_id, check_id, hour, off, source
      )
      INSERT INTO check_result_segments (tenant_id, check_id, hour, offsets, statuses, latencies, status_codes, details)
      SELECT tenant_id, check_id, hour, array_agg(off ORDER BY off), array_agg(st ORDER BY off),
             array_agg(lat ORDER BY off), array_agg(code ORDER BY off),
             CASE WHEN bool_or(detail IS NOT NULL) THEN array_agg(detail ORDER BY off) END
      FROM one
      GROUP BY tenant_id, check_id, hour
      ON CONFLICT (tenant_id, check_id, hour) DO UPDATE SET
        offsets = excluded.offsets, statuses = excluded.statuses, latencies = excluded.latencies,
        status_codes = excluded.status_codes, details = excluded.details`;
    return merged.count;
  });
}
