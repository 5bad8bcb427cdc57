/**
 * Raw check results: the batch insert that also keeps the hourly and daily
 * roll-ups (db/migrations/00014_check_result_rollups.sql) and the daily one
 * per project (00140), the result list,
 * and the partition upkeep of the monthly time-series tables.
 */
import type { PendingQuery, Sql } from "../client.ts";

export type ResultStatus = "up" | "down" | "degraded";

export interface CheckResultInsert {
  tenantId: string;
  checkId: string;
  status: ResultStatus;
  latencyMs: number | null;
  statusCode: number | null;
  detail: string | null;
  checkedAt: Date;
}

const text = (v: number | string | null) => v === null ? null : String(v);

/**
 * Adds the rows of the CTE `ins` to a roll-up table, one row per check and
 * UTC hour or day, in key order (see insertCheckResults).
 */
function rollupUpsert(sql: Sql, table: "check_results_hourly" | "check_results_daily", unit: "hour" | "day") {
  return sql`
      INSERT INTO ${sql(table)} AS r (tenant_id, check_id, bucket, total, up, down, degraded, latency_count,
                                     latency_sum, latency_min, latency_max, latency_histogram)
      SELECT tenant_id, check_id, date_trunc(${unit}, checked_at, 'UTC'), count(*), count(*) FILTER (WHERE status = 'up'),
             count(*) FILTER (WHERE status = 'down'), count(*) FILTER (WHERE status = 'degraded'), count(latency_ms),
             coalesce(sum(latency_ms), 0), min(latency_ms), max(latency_ms), opsdeck_latency_histogram(latency_ms)
      FROM ins
      GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3
      ON CONFLICT (tenant_id, check_id, bucket) DO UPDATE SET
        total = r.total + excluded.total, up = r.up + excluded.up, down = r.down + excluded.down,
        degraded = r.degraded + excluded.degraded, latency_count = r.latency_count + excluded.latency_count,
        latency_sum = r.latency_sum + excluded.latency_sum,
        latency_min = least(r.latency_min, excluded.latency_min), latency_max = greatest(r.latency_max, excluded.latency_max),
        latency_histogram = opsdeck_histogram_add(r.latency_histogram, excluded.latency_histogram)`;
}

/**
 * One statement for the whole batch: the raw rows (a result already stored
 * for the same check and instant is skipped, raw or sealed in a segment), then the hourly, daily and
 * per-project daily roll-ups of exactly the rows inserted. The seal row is read FOR SHARE, so a
 * seal (services/checks/sealer.ts) waits for the batch and the batch for the seal; rows for a day
 * being or already sealed queue their hours in check_result_late for a merge. Roll-up rows are upserted in key
 * order so two concurrent batches lock them in the same order. Returns how
 * many results were new.
 */
export async function insertCheckResults(sql: Sql, rows: CheckResultInsert[]): Promise<number> {
  const query = insertCheckResultsQuery(sql, rows);
  if (!query) return 0;
  const [{ inserted }] = await query;
  return inserted as number;
}

/** insertCheckResults's statement, built but not sent (for inPipelinedTransaction); null for no rows. */
export function insertCheckResultsQuery(sql: Sql, rows: CheckResultInsert[]): PendingQuery | null {
  if (rows.length === 0) return null;
  return sql`
    WITH input AS (
      SELECT *
      FROM unnest(${rows.map((r) => r.tenantId)}::uuid[], ${rows.map((r) => r.checkId)}::uuid[],
                  ${rows.map((r) => r.status)}::text[], ${rows.map((r) => text(r.latencyMs))}::integer[],
                  ${rows.map((r) => text(r.statusCode))}::integer[], ${rows.map((r) => r.detail)}::text[],
                  ${rows.map((r) => r.checkedAt.toISOString())}::timestamptz[])
        AS t(tenant_id, check_id, status, latency_ms, status_code, detail, checked_at)
    ),
    seal AS (SELECT sealed_before, sealing_before FROM check_result_seal FOR SHARE),
    ins AS (
      INSERT INTO check_results (tenant_id, check_id, status, latency_ms, status_code, detail, checked_at)
      SELECT i.tenant_id, i.check_id, i.status, i.latency_ms, i.status_code, i.detail, i.checked_at
      FROM input i, seal
      WHERE i.checked_at >= seal.sealed_before OR NOT EXISTS (
        SELECT FROM check_result_segments s
        WHERE s.tenant_id = i.tenant_id AND s.check_id = i.check_id AND s.hour = date_trunc('hour', i.checked_at, 'UTC')
          AND (extract(epoch FROM i.checked_at - s.hour) * 1000000)::int8 = ANY (s.offsets))
      ON CONFLICT (tenant_id, check_id, checked_at) DO NOTHING
      RETURNING tenant_id, check_id, status, latency_ms, checked_at
    ),
    late AS (
      INSERT INTO check_result_late (tenant_id, check_id, hour)
      SELECT DISTINCT ins.tenant_id, ins.check_id, date_trunc('hour', ins.checked_at, 'UTC')
      FROM ins, seal
      WHERE ins.checked_at < seal.sealing_before
      ON CONFLICT DO NOTHING
    ),
    hourly AS (${rollupUpsert(sql, "check_results_hourly", "hour")}),
    daily AS (${rollupUpsert(sql, "check_results_daily", "day")}),
    project_daily AS (
      INSERT INTO check_results_project_daily AS r (tenant_id, project_id, bucket, total, up, down, degraded,
                                                    latency_count, latency_sum)
      SELECT i.tenant_id, h.project_id, date_trunc('day', i.checked_at, 'UTC'), count(*),
             count(*) FILTER (WHERE i.status = 'up'), count(*) FILTER (WHERE i.status = 'down'),
             count(*) FILTER (WHERE i.status = 'degraded'), count(i.latency_ms), coalesce(sum(i.latency_ms), 0)
      FROM ins i JOIN health_checks h ON h.tenant_id = i.tenant_id AND h.id = i.check_id
      GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3
      ON CONFLICT (tenant_id, project_id, bucket) DO UPDATE SET
        total = r.total + excluded.total, up = r.up + excluded.up, down = r.down + excluded.down,
        degraded = r.degraded + excluded.degraded, latency_count = r.latency_count + excluded.latency_count,
        latency_sum = r.latency_sum + excluded.latency_sum
    )
    SELECT count(*)::int AS inserted FROM ins`;
}

export interface CheckResultRow {
  check_id: string;
  /** checked_at to the microsecond (RFC 3339, UTC): the keyset cursor's key. */
  key: string;
  status: ResultStatus;
  latency_ms: number | null;
  status_code: number | null;
  detail: string | null;
  checked_at: Date;
}

export interface ResultFilter {
  since: Date | null;
  until: Date | null;
  status: ResultStatus | null;
  /** Keyset: only results older than this `key` (the last row of the previous page). */
  before: string | null;
  limit: number;
}

/**
 * A check's results, newest first: the raw rows not yet sealed, then the
 * sealed ones unpacked from their hours' segments (always older), each arm
 * limited on its own so a page reads its primary-key range in order and
 * unpacks only the hours it shows. The cursor is cast from text: postgres.js would turn a
 * string sent as a timestamptz into a JS Date and drop its microseconds.
 */
export async function listCheckResults(
  sql: Sql,
  tenantId: string,
  checkId: string,
  f: ResultFilter,
): Promise<CheckResultRow[]> {
  const at = sql`(s.hour + u.off * interval '1 microsecond')`;
  const status = sql`(CASE u.st WHEN 'u' THEN 'up' WHEN 'd' THEN 'down' ELSE 'degraded' END)`;
  return await sql<CheckResultRow[]>`
    SELECT check_id, status, latency_ms, status_code, detail, checked_at,
           to_char(checked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS key
    FROM (
      (SELECT check_id, status, latency_ms, status_code, detail, checked_at
       FROM check_results
       WHERE tenant_id = ${tenantId} AND check_id = ${checkId}
         AND checked_at >= (SELECT sealed_before FROM check_result_seal)
         ${f.since ? sql`AND checked_at >= ${f.since}` : sql``}
         ${f.until ? sql`AND checked_at < ${f.until}` : sql``}
         ${f.before ? sql`AND checked_at < ${f.before}::text::timestamptz` : sql``}
         ${f.status ? sql`AND status = ${f.status}` : sql``}
       ORDER BY checked_at DESC
       LIMIT ${f.limit})
      UNION ALL
      (SELECT s.check_id, ${status}, u.lat, u.code::integer, u.detail, ${at}
       FROM check_result_segments s
       CROSS JOIN LATERAL unnest(s.offsets, s.statuses, s.latencies, s.status_codes, s.details)
         AS u(off, st, lat, code, detail)
       WHERE s.tenant_id = ${tenantId} AND s.check_id = ${checkId}
         AND s.hour < (SELECT sealed_before FROM check_result_seal)
         ${f.since ? sql`AND s.hour > ${f.since}::timestamptz - interval '1 hour' AND ${at} >= ${f.since}` : sql``}
         ${f.until ? sql`AND s.hour < ${f.until} AND ${at} < ${f.until}` : sql``}
         ${
    f.before ? sql`AND s.hour < ${f.before}::text::timestamptz AND ${at} < ${f.before}::text::timestamptz` : sql``
  }
         ${f.status ? sql`AND ${status} = ${f.status}` : sql``}
       ORDER BY s.hour DESC, u.off DESC
       LIMIT ${f.limit})
    ) r
    ORDER BY checked_at DESC
    LIMIT ${f.limit}`;
}

/** The monthly-partitioned time series and their partition key. */
export const PARTITIONED = [
  // raw results by UTC day (00200): a day goes whole as soon as the sealer has packed it
  { table: "check_results", column: "checked_at", unit: "day" },
  // packed results (00200): an hour's arrays are compressed even below TOAST's 2 kB default
  { table: "check_result_segments", column: "hour", with: "toast_tuple_target = 128" },
  { table: "metric_snapshots", column: "recorded_at" },
  { table: "query_metrics", column: "at" },
  { table: "user_activity", column: "at" },
  { table: "dashboard_events", column: "at" },
] as const;
export type PartitionedTable = typeof PARTITIONED[number];

/**
 * Names below are built from PARTITIONED and dates only (never from input),
 * which is why DDL can go through `unsafe`: identifiers cannot be parameters.
 */
export async function relationExists(sql: Sql, name: string): Promise<boolean> {
  // pg_class read with the statement's snapshot, not to_regclass: the catalog cache
  // may not yet show a partition another process created while we waited for the lock
  const [{ exists }] = await sql<{ exists: boolean }[]>`
    SELECT EXISTS (
      SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relname = ${name}
    ) AS exists`;
  return exists;
}

/** The monthly and daily partitions of `t` (its DEFAULT partition excluded), by name. */
export async function listDatedPartitions(sql: Sql, t: PartitionedTable): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    SELECT c.relname AS name
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = ${t.table}::regclass AND c.relname ~ '_p[0-9]{4}_[0-9]{2}(_[0-9]{2})?$'
    ORDER BY c.relname`;
  return rows.map((r) => r.name);
}

/** Locks the parent (ACCESS EXCLUSIVE) until the transaction ends, then says whether DEFAULT holds rows of [from, to). */
export async function lockAndProbeDefault(sql: Sql, t: PartitionedTable, from: Date, to: Date): Promise<boolean> {
  await sql.unsafe(`LOCK TABLE ${t.table} IN ACCESS EXCLUSIVE MODE`);
  const [{ found }] = await sql.unsafe<{ found: boolean }[]>(
    `SELECT EXISTS (SELECT 1 FROM ${t.table}_default WHERE ${t.column} >= $1 AND ${t.column} < $2) AS found`,
    [from.toISOString(), to.toISOString()],
  );
  return found;
}

/**
 * Creates partition `name` for [from, to). With `moveFromDefault`, the rows of
 * that range already in the DEFAULT partition (written before the partition
 * existed) are moved into it: PostgreSQL refuses to create a partition whose
 * rows sit in DEFAULT. Run inside a transaction, so a failure leaves DEFAULT attached.
 */
export async function createMonthlyPartition(
  sql: Sql,
  t: PartitionedTable,
  name: string,
  from: Date,
  to: Date,
  moveFromDefault: boolean,
): Promise<number> {
  const bounds = `FROM ('${from.toISOString()}') TO ('${to.toISOString()}')${"with" in t ? ` WITH (${t.with})` : ""}`;
  const range = `${t.column} >= '${from.toISOString()}' AND ${t.column} < '${to.toISOString()}'`;
  if (!moveFromDefault) {
    await sql.unsafe(`CREATE TABLE ${name} PARTITION OF ${t.table} FOR VALUES ${bounds}`);
    return 0;
  }
  await sql.unsafe(`ALTER TABLE ${t.table} DETACH PARTITION ${t.table}_default`);
  await sql.unsafe(`CREATE TABLE ${name} PARTITION OF ${t.table} FOR VALUES ${bounds}`);
  const moved = await sql.unsafe(`INSERT INTO ${name} SELECT * FROM ${t.table}_default WHERE ${range}`);
  await sql.unsafe(`DELETE FROM ${t.table}_default WHERE ${range}`);
  await sql.unsafe(`ALTER TABLE ${t.table} ATTACH PARTITION ${t.table}_default DEFAULT`);
  return moved.count;
}

export async function dropPartition(sql: Sql, name: string): Promise<void> {
  await sql.unsafe(`DROP TABLE ${name}`);
}

/**
 * What retention removes besides whole partitions: DEFAULT-partition rows
 * older than their table's cutoff, and roll-up rows whose hour or day ended before `rollupCutoff`.
 */
export async function deleteExpiredRows(
  sql: Sql,
  cutoffOf: (t: PartitionedTable) => Date,
  rollupCutoff: Date,
): Promise<number> {
  let deleted = 0;
  for (const t of PARTITIONED) {
    const r = await sql.unsafe(`DELETE FROM ${t.table}_default WHERE ${t.column} < $1`, [cutoffOf(t).toISOString()]);
    deleted += r.count;
  }
  const hourly = await sql`
    DELETE FROM check_results_hourly WHERE bucket < ${rollupCutoff}::timestamptz - interval '1 hour'`;
  const daily =
    await sql`DELETE FROM check_results_daily WHERE bucket < ${rollupCutoff}::timestamptz - interval '1 day'`;
  const projectDaily = await sql`
    DELETE FROM check_results_project_daily WHERE bucket < ${rollupCutoff}::timestamptz - interval '1 day'`;
  return deleted + hourly.count + daily.count + projectDaily.count;
}

/**
 * Whether a raw partition of [start, end) may be dropped now: locks
 * check_results as its DROP will (so no batch and no merge is under way; a
 * batch holds the table before it reads the seal row, so the seal row itself
 * would make a lock cycle), waiting at most a few seconds, since batches queue
 * behind the request (a sealer packing a day holds the table for minutes:
 * the lock times out, 55P03, and the next run tries again). Then says whether
 * no late hour in the range waits to be merged.
 */
export async function rawPartitionFreed(sql: Sql, start: Date, end: Date): Promise<boolean> {
  await sql`SET LOCAL lock_timeout = '5s'`;
  await sql`LOCK TABLE check_results IN ACCESS EXCLUSIVE MODE`;
  const [{ waiting }] = await sql<{ waiting: boolean }[]>`
    SELECT EXISTS (SELECT FROM check_result_late WHERE hour >= ${start} AND hour < ${end}) AS waiting`;
  return !waiting;
}

/** Takes a transaction-scoped advisory lock (released at commit or rollback). */
export async function advisoryXactLock(sql: Sql, key: bigint): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${key.toString()}::bigint)`;
}
