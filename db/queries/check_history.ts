/**
 * Reads over check results and their roll-ups (check_results_hourly,
 * check_results_daily) for uptime, latency charts and status bars. Each query
 * names the table level it reads; services/checks/history.ts picks it.
 */
import type { Sql } from "../client.ts";

/**
 * r: every result (raw check_results and sealed segments, through opsdeck_check_results or,
 * for counts, opsdeck_check_statuses: db/migrations/00200), h: check_results_hourly, d: check_results_daily.
 */
export type Level = "r" | "h" | "d";

export interface CountRange {
  /** The checks this range applies to (checks whose projects share their maintenance share their ranges). */
  checkIds: string[];
  /** Caller's tag, returned with the sums. */
  tag: number;
  level: Level;
  from: Date;
  to: Date;
}

export interface RangeCounts {
  check_id: string;
  tag: number;
  total: number;
  /** up + degraded */
  ok: number;
}

/**
 * Result counts per check and range over many (checks, range, level)
 * triples in one round trip. A range at level h or d must lie on whole hours
 * or days: bucket >= from AND bucket < to. Each range runs one branch (the
 * level test depends on the outer row only: a one-time filter) as one index
 * range scan per check of the range, joined from the unnested list: with
 * `check_id = ANY(ids)` PostgreSQL re-tested the whole list on every roll-up
 * row (1,656 ms of the 2,000-check board's ~2 s), so the cost grows with the
 * rows read, not with checks × rows. The check lists travel as array literals
 * (text), one per range, because SQL has no arrays of arrays of differing lengths.
 */
export async function countRanges(sql: Sql, tenantId: string, ranges: CountRange[]): Promise<RangeCounts[]> {
  if (ranges.length === 0) return [];
  return await sql<RangeCounts[]>`
    SELECT x.check_id, r.tag, sum(x.total)::int AS total, sum(x.ok)::int AS ok
    FROM unnest(${ranges.map((r) => `{${r.checkIds.join(",")}}`)}::text[], ${ranges.map((r) => r.tag)}::int[],
                ${ranges.map((r) => r.level)}::text[], ${ranges.map((r) => r.from.toISOString())}::timestamptz[],
                ${ranges.map((r) => r.to.toISOString())}::timestamptz[]) AS r(ids, tag, level, f, t)
    CROSS JOIN LATERAL (
      SELECT d.check_id, d.total, d.up + d.degraded AS ok
      FROM unnest(r.ids::uuid[]) AS k(id)
      JOIN check_results_daily d ON d.tenant_id = ${tenantId} AND d.check_id = k.id AND d.bucket >= r.f AND d.bucket < r.t
      WHERE r.level = 'd'
      UNION ALL
      SELECT h.check_id, h.total, h.up + h.degraded
      FROM unnest(r.ids::uuid[]) AS k(id)
      JOIN check_results_hourly h ON h.tenant_id = ${tenantId} AND h.check_id = k.id AND h.bucket >= r.f AND h.bucket < r.t
      WHERE r.level = 'h'
      UNION ALL
      SELECT c.check_id, 1, (c.status <> 'down')::int
      FROM unnest(r.ids::uuid[]) AS k(id)
      CROSS JOIN LATERAL opsdeck_check_statuses(${tenantId}, k.id, r.f, r.t) c
      WHERE r.level = 'r'
    ) x
    GROUP BY 1, 2`;
}

export interface SeriesRow {
  t: Date;
  total: number;
  up: number;
  down: number;
  degraded: number;
  latency_count: number;
  latency_sum: number;
  latency_min: number | null;
  latency_max: number | null;
  /** Exact (nearest rank), from raw rows; null at the roll-up levels (estimate from `histogram`). */
  p95: number | null;
  histogram: number[] | null;
}

/**
 * One row per step-aligned bucket (epoch multiples of `stepSeconds`, so UTC)
 * with data in [from, to). At level h or d a roll-up row counts in the step
 * its hour or day starts in.
 */
export async function seriesRows(
  sql: Sql,
  tenantId: string,
  checkId: string,
  level: Level,
  from: Date,
  to: Date,
  stepSeconds: number,
): Promise<SeriesRow[]> {
  if (level === "r") {
    return await sql<SeriesRow[]>`
      SELECT to_timestamp(floor(date_part('epoch', checked_at) / ${stepSeconds}::float8) * ${stepSeconds}::float8) AS t,
             count(*)::int AS total, count(*) FILTER (WHERE status = 'up')::int AS up,
             count(*) FILTER (WHERE status = 'down')::int AS down,
             count(*) FILTER (WHERE status = 'degraded')::int AS degraded, count(latency_ms)::int AS latency_count,
             coalesce(sum(latency_ms), 0)::float8 AS latency_sum, min(latency_ms) AS latency_min,
             max(latency_ms) AS latency_max,
             percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms)::float8 AS p95, NULL::int[] AS histogram
      FROM opsdeck_check_results(${tenantId}, ${checkId}, ${from}, ${to})
      GROUP BY 1
      ORDER BY 1`;
  }
  const table = level === "h" ? sql`check_results_hourly` : sql`check_results_daily`;
  return await sql<SeriesRow[]>`
    SELECT to_timestamp(floor(date_part('epoch', bucket) / ${stepSeconds}::float8) * ${stepSeconds}::float8) AS t,
           sum(total)::int AS total, sum(up)::int AS up, sum(down)::int AS down, sum(degraded)::int AS degraded,
           sum(latency_count)::int AS latency_count, sum(latency_sum)::float8 AS latency_sum,
           min(latency_min) AS latency_min, max(latency_max) AS latency_max, NULL::float8 AS p95,
           opsdeck_histogram_sum(latency_histogram) AS histogram
    FROM ${table}
    WHERE tenant_id = ${tenantId} AND check_id = ${checkId} AND bucket >= ${from} AND bucket < ${to}
    GROUP BY 1
    ORDER BY 1`;
}

export interface BarRow {
  check_id: string;
  /** 0-based bar index from `from` */
  i: number;
  total: number;
  down: number;
  degraded: number;
}

/** Status counts per check and bar of `bucketSeconds` from `from`, for many checks in one query. */
export async function barRows(
  sql: Sql,
  tenantId: string,
  checkIds: string[],
  level: Level,
  from: Date,
  to: Date,
  bucketSeconds: number,
): Promise<BarRow[]> {
  const start = from.getTime() / 1000;
  if (level === "r") {
    return await sql<BarRow[]>`
      SELECT check_id, floor((date_part('epoch', checked_at) - ${start}::float8) / ${bucketSeconds}::float8)::int AS i,
             count(*)::int AS total, count(*) FILTER (WHERE status = 'down')::int AS down,
             count(*) FILTER (WHERE status = 'degraded')::int AS degraded
      FROM unnest(${checkIds}::uuid[]) AS k(id)
      CROSS JOIN LATERAL opsdeck_check_statuses(${tenantId}, k.id, ${from}, ${to})
      GROUP BY 1, 2`;
  }
  const table = level === "h" ? sql`check_results_hourly` : sql`check_results_daily`;
  return await sql<BarRow[]>`
    SELECT check_id, floor((date_part('epoch', bucket) - ${start}::float8) / ${bucketSeconds}::float8)::int AS i,
           sum(total)::int AS total, sum(down)::int AS down, sum(degraded)::int AS degraded
    FROM ${table}
    WHERE tenant_id = ${tenantId} AND check_id = ANY(${checkIds}::uuid[]) AND bucket >= ${from} AND bucket < ${to}
    GROUP BY 1, 2`;
}

export interface PhaseCounts {
  check_id: string;
  check_name: string;
  /** 0: before the deployment, 1: while it ran, 2: after it finished */
  phase: number;
  total: number;
  up: number;
  down: number;
  degraded: number;
}

/**
 * Result counts of a project's checks in three phases around a deployment:
 * [before, start), [start, end), [end, after). Raw results: the span is an
 * hour or two, served by the primary keys of check_results and check_result_segments per check.
 */
export async function phaseCounts(
  sql: Sql,
  tenantId: string,
  projectId: string,
  p: { before: Date; start: Date; end: Date; after: Date },
): Promise<PhaseCounts[]> {
  return await sql<PhaseCounts[]>`
    SELECT h.id AS check_id, h.name AS check_name,
      CASE WHEN r.checked_at < ${p.start} THEN 0 WHEN r.checked_at < ${p.end} THEN 1 ELSE 2 END AS phase,
      count(*)::int AS total, count(*) FILTER (WHERE r.status = 'up')::int AS up,
      count(*) FILTER (WHERE r.status = 'down')::int AS down,
      count(*) FILTER (WHERE r.status = 'degraded')::int AS degraded
    FROM health_checks h
    CROSS JOIN LATERAL opsdeck_check_statuses(h.tenant_id, h.id, ${p.before}, ${p.after}) r
    WHERE h.tenant_id = ${tenantId} AND h.project_id = ${projectId}
    GROUP BY 1, 2, 3
    ORDER BY h.name, h.id, 3`;
}
